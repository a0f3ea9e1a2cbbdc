# Keyward's image. Docker is not run in CI: test/e2e/packaging/pack-install.test.ts reads this file and runs its
# steps without Docker, and fails on a step it does not know (see README, Deployment).
# Build: docker build -t keyward .   Run: examples/deploy/compose.yaml shows two nodes behind a TLS proxy.

# 1. Build exactly as CI does (.ci/run): `npm ci` installs and, through `prepare`, builds the bundle (dist/);
#    then `npm pack` makes the package that test/e2e/packaging/pack-install.test.ts installs and runs.
FROM node:24-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && npm pack --pack-destination /tmp

# 2. The packed package (bin/ and dist/, no sources, no tests) and its production dependencies only, at the
#    versions the repository's lockfile pins. `--ignore-scripts`: `prepare` (the build) already ran in stage 1.
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /tmp/keyward-*.tgz /tmp/
COPY --from=build /src/package-lock.json /tmp/
RUN tar -xzf /tmp/keyward-*.tgz --strip-components=1 \
  && mv /tmp/package-lock.json . \
  && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force \
  && rm /tmp/keyward-*.tgz \
  && mkdir /data && chown node:node /data

# Never root: the `node` user of the official image owns only the data directory.
USER node
ENV KEYWARD_HOST=0.0.0.0 \
  KEYWARD_PORT=9000 \
  KEYWARD_DATA_DIR=/data
EXPOSE 9000
VOLUME /data
# Liveness only: /ready (database, keys, Redis) is for the load balancer, which stops sending traffic; a
# container restarted because its database is down would not bring the database back.
HEALTHCHECK --interval=10s --timeout=2s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.KEYWARD_PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The flag bin/keyward.js's shebang passes (young generation capped at 16 MB: bench/README.md).
CMD ["node", "--max-semi-space-size=16", "bin/keyward.js", "start"]
