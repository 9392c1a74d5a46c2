# Build: the whole reactor, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

# Run: the host jar and the bundled plugins, as an unprivileged user (the embedded PostgreSQL keeps its data in /workspace).
FROM eclipse-temurin:17-jre
# bubblewrap: the execute_bash sandbox (docker-compose.yml grants what it needs; see the README's Docker section).
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 cortana && mkdir -p /workspace /app/plugins && chown -R cortana /workspace /app
WORKDIR /app
COPY --from=build /src/cortana-host/target/cortana-host.jar /app/cortana-host.jar
COPY --from=build /src/plugins-dist/target/plugins/ /app/plugins/
COPY --from=build /src/bin/cortana /app/cortana
# bin/cortana: class data sharing; the first run of a container records /app/cortana-host.jsa when it stops (outside
# the workspace, which the agent's file tools may write), later runs start from it.
ENV WORKSPACE_DIR=/workspace \
    PLUGINS_DIR=/app/plugins \
    CORTANA_JAR=/app/cortana-host.jar \
    CORTANA_CDS_ARCHIVE=/app/cortana-host.jsa \
    JAVA_OPTS="-XX:+UseSerialGC -Xss512k"
USER cortana
VOLUME ["/workspace"]
ENTRYPOINT ["/app/cortana"]
