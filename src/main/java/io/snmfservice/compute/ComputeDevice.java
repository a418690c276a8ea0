package io.snmfservice.compute;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import io.snmfservice.snmf.DjlTensorOps;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.TensorOps;
import io.snmfservice.transformer.TransformerConfig;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * The one device of this process, resolved once at startup from {@code snmf.device}: model weights, activations,
 * KV caches and steering vectors live there, SNMF chunks stream to it, and batch and chunk sizes follow its free
 * memory. On a CPU-only machine it is the CPU and the very same code runs.
 */
public final class ComputeDevice {

  /** DJL's engine for every model and for the {@code djl} SNMF backend. */
  static final String ENGINE = "PyTorch";

  private final Device device;
  private final FactorizationBackend backend;
  private final ComputeProperties.Memory memory;
  private final Function<SnmfPrecision, TensorOps> tensorOps;
  private final SnmfEngine snmfEngine;

  ComputeDevice(Device device, FactorizationBackend backend, ComputeProperties.Memory memory) {
    this.device = device;
    this.backend = backend.on(device);
    this.memory = memory;
    this.tensorOps = this.backend == FactorizationBackend.DJL
        ? precision -> new DjlTensorOps(precision, device)
        : Nd4jTensorOps::new;
    this.snmfEngine = new SnmfEngine(tensorOps);
  }

  /**
   * Resolves the settings; a GPU that is asked for must exist and accept an allocation, else this fails with a
   * {@link DeviceUnavailableException}.
   */
  public static ComputeDevice resolve(ComputeProperties properties) {
    return resolve(properties, () -> Engine.getEngine(ENGINE).getGpuCount());
  }

  static ComputeDevice resolve(ComputeProperties properties, IntSupplier gpuCount) {
    Device device = DeviceChoice.resolve(properties.device(), gpuCount);
    if (device.isGpu()) {
      probe(device);
    }
    return new ComputeDevice(device, properties.factorization().backend(), properties.memory());
  }

  /** A CUDA driver without a CUDA build of libtorch shows GPUs that DJL cannot allocate on: find out now. */
  private static void probe(Device device) {
    try (NDManager m = NDManager.newBaseManager(device, ENGINE)) {
      m.ones(new Shape(2)).sum().getFloat();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new DeviceUnavailableException("snmf.device asks for " + device + ", but libtorch cannot allocate "
          + "there (" + e.getMessage() + "); is the CPU build of libtorch on the classpath? "
          + "Set snmf.device=cpu to run on the CPU.", e);
    }
  }

  public Device device() {
    return device;
  }

  /** The concrete SNMF backend (never {@link FactorizationBackend#AUTO}). */
  public FactorizationBackend backend() {
    return backend;
  }

  /** A fresh SNMF backend of the chosen kind on this device (what {@link #snmfEngine()} runs on). */
  public TensorOps newTensorOps(SnmfPrecision precision) {
    return tensorOps.apply(precision);
  }

  /** The SNMF engine on this device's backend. */
  public SnmfEngine snmfEngine() {
    return snmfEngine;
  }

  /** Free memory of the device now: GPU memory from CUDA, else the host's available memory within JavaCPP's cap. */
  public long freeBytes() {
    if (device.isGpu()) {
      MemoryUsage usage = CudaUtils.getGpuMemory(device);
      return Math.max(0, usage.getMax() - usage.getCommitted());
    }
    long free = hostAvailableBytes();
    long cap = Pointer.maxPhysicalBytes();
    if (cap > 0) {
      free = Math.min(free, Math.max(0, cap - Pointer.physicalBytes()));
    }
    return free;
  }

  /** Columns of A per SNMF chunk for a d-row matrix and K features (see {@link MemorySizing}). */
  public int snmfChunkColumns(int d, int k) {
    return MemorySizing.snmfChunkColumns(d, k, freeBytes(), Runtime.getRuntime().maxMemory(), memory);
  }

  /** Sequences per forward pass when recording through {@code layers} blocks (see {@link MemorySizing}). */
  public int collectBatch(TransformerConfig config, int contextLength, int layers, int requested) {
    return MemorySizing.collectBatch(config, contextLength, layers, requested, freeBytes(), memory);
  }

  /** MemAvailable from /proc/meminfo; the JVM's heap limit where that file does not exist. */
  static long hostAvailableBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return Runtime.getRuntime().maxMemory();
  }

  @Override
  public String toString() {
    return device + " (SNMF backend " + backend.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
