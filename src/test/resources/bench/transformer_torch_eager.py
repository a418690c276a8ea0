"""PyTorch eager baseline for TransformerBenchmark: the same forward pass (up to a layer's mlp.hook_post) on the
same weights and token batch, timed the same way. Written from the architectures' published definitions
(llama2.c model.py for the llama2.c checkpoint, GPT2LMHeadModel for GPT-2); no project code is imported."""
import argparse, json, struct, statistics, time
import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32"
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data, dtype="<f4", count=(e - b) // 4, offset=b).copy()).reshape(info["shape"])
    return out


def causal_mask(t):
    return torch.full((t, t), float("-inf")).triu(1)


def gpt2_hook_post(w, cfg, tokens, layer):
    d, nh = cfg["n_embd"], cfg["n_head"]
    hd = d // nh
    b, t = tokens.shape
    x = w["wte.weight"][tokens] + w["wpe.weight"][torch.arange(t)]
    mask = causal_mask(t)
    for l in range(layer + 1):
        p = f"h.{l}."
        h = F.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], cfg["layer_norm_epsilon"])
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=-1)
        q, k, v = (z.view(b, t, nh, hd).transpose(1, 2) for z in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], cfg["layer_norm_epsilon"])
        post = F.gelu(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], approximate="tanh")
        if l == layer:
            return post
        x = x + post @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]


def read_llama2c(path):
    raw = open(path, "rb").read()
    dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = struct.unpack("<7i", raw[:28])
    floats = torch.from_numpy(np.frombuffer(raw, dtype="<f4", offset=28).copy())
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        t = floats[pos:pos + n].reshape(shape)
        pos += n
        return t

    hd = dim // n_heads
    w = {"emb": take(abs(vocab), dim), "rms_att": take(n_layers, dim), "wq": take(n_layers, dim, dim),
         "wk": take(n_layers, n_kv * hd, dim), "wv": take(n_layers, n_kv * hd, dim), "wo": take(n_layers, dim, dim),
         "rms_ffn": take(n_layers, dim), "w1": take(n_layers, hidden, dim), "w2": take(n_layers, dim, hidden),
         "w3": take(n_layers, hidden, dim)}
    return w, dict(dim=dim, n_heads=n_heads, n_kv=n_kv)


def rms(x, weight):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * weight


def llama2c_hook_post(w, cfg, tokens, layer):
    dim, nh, nkv = cfg["dim"], cfg["n_heads"], cfg["n_kv"]
    hd = dim // nh
    b, t = tokens.shape
    freqs = 1.0 / (10000.0 ** (torch.arange(0, hd, 2).float() / hd))
    cis = torch.polar(torch.ones(t, hd // 2), torch.outer(torch.arange(t).float(), freqs))  # interleaved pairs
    mask = causal_mask(t)
    x = w["emb"][tokens]
    for l in range(layer + 1):
        h = rms(x, w["rms_att"][l])
        q = (h @ w["wq"][l].T).view(b, t, nh, hd)
        k = (h @ w["wk"][l].T).view(b, t, nkv, hd)
        v = (h @ w["wv"][l].T).view(b, t, nkv, hd)
        q = torch.view_as_real(torch.view_as_complex(q.reshape(b, t, nh, hd // 2, 2)) * cis[None, :, None]).flatten(3)
        k = torch.view_as_real(torch.view_as_complex(k.reshape(b, t, nkv, hd // 2, 2)) * cis[None, :, None]).flatten(3)
        k = k.repeat_interleave(nh // nkv, dim=2)
        v = v.repeat_interleave(nh // nkv, dim=2)
        q, k, v = (z.transpose(1, 2) for z in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + mask, dim=-1)
        x = x + (att @ v).transpose(1, 2).reshape(b, t, dim) @ w["wo"][l].T
        h = rms(x, w["rms_ffn"][l])
        post = F.silu(h @ w["w1"][l].T) * (h @ w["w3"][l].T)
        if l == layer:
            return post
        x = x + post @ w["w2"][l].T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=["llama2c", "gpt2"], required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--seq", type=int, required=True)
    ap.add_argument("--layer", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    tokens = torch.from_numpy(np.fromfile(a.tokens, dtype="<i4").astype(np.int64)).reshape(a.batch, a.seq)
    if a.arch == "gpt2":
        w = read_safetensors(a.model + "/model.safetensors")
        cfg = json.load(open(a.model + "/config.json"))
        run = lambda: gpt2_hook_post(w, cfg, tokens, a.layer)
    else:
        w, cfg = read_llama2c(a.model)
        run = lambda: llama2c_hook_post(w, cfg, tokens, a.layer)
    times = []
    with torch.no_grad():
        for i in range(a.warmup + a.reps):
            start = time.perf_counter()
            post = run()
            np_post = post.numpy().copy()  # copy-out of the capture, as the Java side does
            elapsed = time.perf_counter() - start
            if i >= a.warmup:
                times.append(elapsed)
    np_post.astype("<f4").tofile(a.out)
    median = statistics.median(times)
    config = torch.__config__.show()
    blas = config.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in config else "unknown"
    print(json.dumps({"median_s": median, "tokens_per_s": a.batch * a.seq / median, "torch": torch.__version__,
                      "blas": blas}))


if __name__ == "__main__":
    main()
