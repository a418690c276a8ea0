# Local stand-in for the official postgres image, made from Debian's postgresql-15 for machines without registry
# access. It reads the same environment (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA), keeps its data in
# the same directory and passes its arguments to postgres, so compose files and Testcontainers' PostgreSQL module
# use it as they use `postgres` (its log says "ready to accept connections" twice, as theirs waits for).
ARG DEBIAN_IMAGE=snmf-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
ENV LANG=C.UTF-8 \
    PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
# no cluster from the package: the entrypoint makes one in PGDATA at first start
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-common \
 && sed -i 's/^#\?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && mkdir -p "$PGDATA" /var/run/postgresql \
 && chown -R postgres:postgres "$PGDATA" /var/run/postgresql \
 && chmod 700 "$PGDATA"
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
CMD ["postgres"]
