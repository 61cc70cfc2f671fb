# The README's main job in a container: install, ingest the sample documents into the
# store, validate them, serve the SPARQL endpoint, REST API and pages on port 8000.
#   docker build -t jixiao . && docker run --rm -p 8000:8000 jixiao
# The commands are the README's set-up line; only the address differs (JIXIAO_HOST=0.0.0.0,
# so that the published port reaches the server inside the container).
FROM python:3.11-slim-bookworm

# an unprivileged user owns the sources, the virtual environment and the store
RUN groupadd --gid 10001 jixiao \
    && useradd --uid 10001 --gid 10001 --create-home jixiao \
    && install -d -o 10001 -g 10001 /home/jixiao/app
USER 10001:10001
WORKDIR /home/jixiao/app
COPY --chown=10001:10001 . .

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    JIXIAO_HOST=0.0.0.0 \
    JIXIAO_PORT=8000

RUN python3 -m venv .venv && .venv/bin/pip install -q -e . \
    && .venv/bin/jixiao ingest examples/guangzhou/*.txt && .venv/bin/jixiao validate

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD [".venv/bin/python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/projects?limit=1', timeout=4)"]
CMD [".venv/bin/jixiao", "serve"]
