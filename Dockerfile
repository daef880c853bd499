# syntax=docker/dockerfile:1
# The Switchyard gateway: `switchyard-llm serve` with the config file from /etc/switchyard/config.json
# and secrets from the environment ("${OPENAI_API_KEY}" in the config). See docs/deployment.md.
#
#   docker build -t switchyard-gateway .
#   docker run --rm -p 8080:8080 -v "$PWD/switchyard.config.json:/etc/switchyard/config.json:ro" \
#     -e OPENAI_API_KEY -e GATEWAY_MASTER_KEY switchyard-gateway
#
# test/deploy/dockerfile.test.ts checks this file against the gateway's defaults and deploy/.

# ---- build: compile dist/ with the dev toolchain --------------------------------------------------
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Then the optional peers the CLI needs, at the versions the lock file tested: zod (config
# validation) and prom-client (GET /metrics). Add redis to share state across replicas (docs/redis.md).
RUN npm run build \
 && node -e "const l=require('./package-lock.json').packages;console.log(['zod','prom-client'].map(n=>n+'@'+l['node_modules/'+n].version).join(' '))" > /app/runtime-peers.txt

# ---- runtime: production dependencies only, non-root ----------------------------------------------
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system --gid 10001 switchyard \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin switchyard
COPY package.json package-lock.json ./
COPY --from=build /app/runtime-peers.txt ./
# zod and prom-client are optional peers (and dev dependencies), which `npm ci --omit=dev` leaves
# out: after it, they are installed as plain dependencies of the image's copy of package.json.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm pkg delete devDependencies peerDependencies peerDependenciesMeta \
 && npm install --omit=dev --no-audit --no-fund --save-exact $(cat runtime-peers.txt) \
 && npm cache clean --force \
 && rm runtime-peers.txt
COPY --from=build /app/dist ./dist
USER 10001:10001
EXPOSE 8080
# No curl in slim images: node's fetch. Port 8080 is the gateway's default (and deploy/configmap.yaml's).
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# --host 0.0.0.0: the gateway's own default is 127.0.0.1, unreachable from outside a container.
ENTRYPOINT ["node", "dist/cli/bin.js", "serve", "--config", "/etc/switchyard/config.json", "--host", "0.0.0.0"]
