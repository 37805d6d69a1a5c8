# One image for the web nodes and the workers (compose.yaml; docs/scaling.md). The PWA is built
# in a Node stage; the runtime is Debian's Python with the CJK fonts the certificates and PDFs need.
FROM node:20-bookworm-slim AS pwa
WORKDIR /src/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
COPY shared/ /src/shared/
RUN npm run build

FROM python:3.11-slim-bookworm
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
       fonts-noto-cjk fonts-noto-cjk-extra fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend/ backend/
COPY gunicorn.conf.py ./
RUN pip install --no-cache-dir .
COPY --from=pwa /src/pwa/dist pwa/dist
ENV PWA_DIST=/app/pwa/dist INSTANCE_PATH=/app/instance FLASK_APP=backend.app PORT=8000
RUN useradd --system --home /app diandian && mkdir -p instance && chown diandian instance
USER diandian
EXPOSE 8000
CMD ["gunicorn", "backend.app:create_app()"]
