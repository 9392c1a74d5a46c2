# Base images pinned to the tags this file was built with (JDK/JRE 17 on Ubuntu 24.04 "noble"): a new Ubuntu or Java
# release never changes the image unnoticed. Newer Ubuntu images ship a user with UID 1000, so no UID is fixed here.

# Every pom.xml of the reactor, whatever modules there are, and nothing else: the next stage's dependency layer is
# rebuilt only when one of them changes.
FROM maven:3.9.11-eclipse-temurin-17-noble AS poms
WORKDIR /src
COPY . .
RUN mkdir /poms && find . -name pom.xml -not -path '*/target/*' -exec cp --parents {} /poms/ \;

# Build: the dependencies first (their own layer, reused while no pom.xml changes), then the whole reactor, tests
# skipped (CI runs them). Modules of the reactor itself cannot resolve before they are built; whatever go-offline
# misses is fetched by the package run.
FROM maven:3.9.11-eclipse-temurin-17-noble AS build
WORKDIR /src
COPY --from=poms /poms/ /src/
RUN mvn -B -q -fae org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline -DexcludeReactor=true \
        >/tmp/go-offline.log 2>&1 || echo "go-offline resolved what it could (the rest comes with the build)"
COPY . .
# The embedded PostgreSQL of this image's architecture only (a Maven profile per platform, see cortana-host/pom.xml).
RUN mvn -B -q -DskipTests package

# Run: the host jar and the bundled plugins, owned by root and read-only to the unprivileged user Cortana runs as;
# everything mutable (the embedded PostgreSQL's data, logs, your own plugins) lives in /workspace.
FROM eclipse-temurin:17.0.16_8-jre-noble
# bubblewrap: the execute_bash sandbox (docker-compose.yml grants what it needs; see the README's Docker section).
# The package lists and apt's binary caches go in the same layer (images without docker-clean keep ~80 MB of caches).
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb
# A system user with whatever UID is free (Ubuntu's images already have UID 1000); /app/cds is the only folder of
# /app it may write: bin/cortana records the class data sharing archive there (outside the workspace, which the
# agent's file tools may write).
RUN useradd --system --user-group --create-home --home-dir /home/cortana --shell /usr/sbin/nologin cortana \
    && mkdir -p /workspace /app/plugins /app/cds && chown cortana:cortana /workspace /app/cds
WORKDIR /app
COPY --from=build /src/cortana-host/target/cortana-host.jar /app/cortana-host.jar
# Whatever plugins-dist assembled, every bundled plugin JAR.
COPY --from=build /src/plugins-dist/target/plugins/ /app/plugins/
COPY bin/cortana bin/cortana-health /app/
ENV WORKSPACE_DIR=/workspace \
    PLUGINS_DIR=/workspace/plugins:/app/plugins \
    HEALTH_PORT=8080 \
    CORTANA_JAR=/app/cortana-host.jar \
    CORTANA_CDS_ARCHIVE=/app/cds/cortana-host.jsa \
    JAVA_OPTS="-XX:+UseSerialGC -Xss512k"
USER cortana
VOLUME ["/workspace"]
EXPOSE 8080
# /health answers 200 once Cortana is ready (plugins started, database reachable, Discord connected or waiting for
# configuration); the first start unpacks and initialises PostgreSQL, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ["/app/cortana-health"]
ENTRYPOINT ["/app/cortana"]
