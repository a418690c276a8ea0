# Local stand-in for the JRE base image (eclipse-temurin), made from Debian packages on top of a Debian base that
# scripts/local-images.sh imports from mmdebstrap. Used where public image registries cannot be reached.
ARG DEBIAN_IMAGE=snmf-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
ENV LANG=C.UTF-8
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless ca-certificates curl passwd procps \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
