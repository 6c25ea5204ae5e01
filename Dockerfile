# The durable-agent worker: `docker compose up` builds it from this file (see docker-compose.yml).
# Build stage: every dependency (tsc, tsx); `npm run build` compiles src/ to dist/ and prebuilds the workflow bundle.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npm run build

# Runtime stage: production dependencies only, the compiled code and the prebuilt workflow bundle.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
# TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DURABLE_AGENT_TASK_QUEUE and ANTHROPIC_API_KEY come from the environment.
CMD ["node", "bin/durable-agent.js", "worker"]
