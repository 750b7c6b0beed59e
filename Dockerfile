# One image for the bridge worker, the codec server and the Live Agent simulator (docker-compose.yml).
# Build stage: full Node image with the toolchain; runtime stage: slim, production dependencies only.

# Node 22: an LTS line (Node 20 left maintenance in April 2026).
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# tsconfig: rootDir "." and outDir "lib", so src/worker.ts becomes lib/src/worker.js.
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

# glibc (not Alpine): @temporalio/core-bridge ships a prebuilt linux-gnu native module.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# The worker bundles its workflow code at start from lib/src/workflows (workflowsPath), so the compiled
# workflow sources ship too; they are read-only for the non-root user.
COPY --from=build /app/lib ./lib
USER node
# Prometheus metrics (METRICS_BIND_ADDRESS): inside a container, on every interface of its network.
ENV METRICS_BIND_ADDRESS=0.0.0.0:9464
EXPOSE 9464
CMD ["node", "lib/src/worker.js"]
