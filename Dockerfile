# One image for the bridge worker, the codec server and the Live Agent simulator (docker-compose.yml).
# Build stage: full Node image with the toolchain; runtime stage: slim, production dependencies only.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# tsconfig: rootDir "." and outDir "lib", so src/worker.ts becomes lib/src/worker.js.
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

# glibc (not Alpine): @temporalio/core-bridge ships a prebuilt linux-gnu native module.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# The worker bundles its workflow code at start from lib/src/workflows (workflowsPath), so the compiled
# workflow sources ship too; they are read-only for the non-root user.
COPY --from=build /app/lib ./lib
USER node
# Prometheus metrics (METRICS_BIND_ADDRESS).
EXPOSE 9464
CMD ["node", "lib/src/worker.js"]
