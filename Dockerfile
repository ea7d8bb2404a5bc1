# Приймальня (Pryimalnia): the reception's image, with PostgreSQL support.
#   docker build -t pryimalnia .      or      docker compose up -d --build   (see compose.yaml)
# The administrator's guide: docs/admin-guide.uk.md.
FROM python:3.11-slim

# Logs reach `docker logs` at once; the source tree stays read-only, so no .pyc files are written
# beside it; pip's notices would only clutter the build log.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# The program never needs root. A fixed uid lets an administrator who bind-mounts a host directory
# over /app/data give it to this user (chown 10001:10001); the home directory is where matplotlib
# keeps its font cache for the /stats charts.
RUN groupadd --system --gid 10001 reception \
 && useradd --system --uid 10001 --gid reception --create-home --home-dir /home/reception \
        --shell /usr/sbin/nologin reception

WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY handlers/ handlers/
COPY reception/ reception/
COPY storage/ storage/
COPY locales/ locales/
COPY config/ config/

# The install brings the dependencies (and asyncpg for PostgreSQL). The program itself runs from
# /app, which Python searches first: the catalogues are looked up next to the source, and an
# installed copy in site-packages would not find them. Compiled catalogues load faster than .po.
# /app/data is the only place the program writes (the SQLite file, if used, and the attachments).
RUN pip install --no-cache-dir '.[postgres]' \
 && pybabel compile --domain messages --directory locales --statistics \
 && rm -rf build ./*.egg-info \
 && mkdir -p /app/data \
 && chown reception:reception /app/data

# In a container the web server must listen on every interface for the published port to reach it;
# PYTHONPATH keeps `python -m bot …` working from any directory (docker exec -w …).
ENV WEB_HOST=0.0.0.0 \
    WEB_PORT=8080 \
    PYTHONPATH=/app

USER reception

# Attachments are citizens' documents: they must outlive the container and be backed up with the
# database.
VOLUME ["/app/data"]

EXPOSE 8080

# The slim image has no curl. urlopen fails on anything but 2xx, so a 503 from /healthz (the
# database is unreachable) marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEB_PORT', '8080'), timeout=4)"]

# With no messenger token `run` opens the terminal chat, which reads standard input and ends with
# it: set TELEGRAM_BOT_TOKEN and/or VIBER_AUTH_TOKEN for a service.
CMD ["python", "-m", "bot", "run"]
