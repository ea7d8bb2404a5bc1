# Приймальня (Pryimalnia): the reception's image, with PostgreSQL support.
#   docker build -t pryimalnia .      or      docker compose up -d --build   (see compose.yaml)
# The administrator's guide: docs/admin-guide.uk.md.
#
# Two stages: `build` installs the locked dependencies into /venv (a layer that changes only with
# requirements-deploy.lock), then builds the wheel of the code (catalogues compiled inside);
# the final image copies /venv and installs the wheel — the code exists once, in site-packages.

FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN python -m venv /venv
# The exact dependency set the tests passed with, every file checked against its hash. Only a
# change of the lock invalidates this layer; a change of code does not.
COPY requirements-deploy.lock /tmp/requirements-deploy.lock
RUN /venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements-deploy.lock

# The code: compile the catalogues, build the wheel with the locked setuptools.
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot/ bot/
COPY handlers/ handlers/
COPY reception/ reception/
COPY storage/ storage/
COPY locales/ locales/
COPY config/ config/
RUN /venv/bin/pybabel compile --domain messages --directory locales --statistics \
 && /venv/bin/pip wheel --no-deps --no-build-isolation --no-index --wheel-dir /wheels .


FROM python:3.11-slim

# Logs reach `docker logs` at once; pip's notices would only clutter the build log.
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PATH=/venv/bin:$PATH

# The program never needs root. A fixed uid lets an administrator who bind-mounts a host directory
# over /app/data give it to this user (chown 10001:10001); the home directory is where matplotlib
# keeps its font cache for the /stats charts.
RUN groupadd --system --gid 10001 reception \
 && useradd --system --uid 10001 --gid reception --create-home --home-dir /home/reception \
        --shell /usr/sbin/nologin reception

COPY --from=build /venv /venv
COPY --from=build /wheels /wheels
# The wheel holds the code, the compiled catalogues, the migrations and the example departments
# file; its dependencies are already in /venv, so nothing is fetched here.
RUN pip install --no-deps --no-index /wheels/*.whl \
 && rm -rf /wheels \
 && mkdir -p /app/data /app/config \
 && chown reception:reception /app/data

# The deployer's departments file is mounted at /app/config (compose.yaml); without it the
# example data shipped in the wheel is used.
WORKDIR /app

# In a container the web server must listen on every interface for the published port to reach it.
ENV WEB_HOST=0.0.0.0 \
    WEB_PORT=8080

USER reception

# Attachments are citizens' documents: they must outlive the container and be backed up with the
# database.
VOLUME ["/app/data"]

EXPOSE 8080

# The slim image has no curl. urlopen fails on anything but 2xx, so a 503 from /readyz (the
# database is unreachable, a channel or the scheduler is dead, the outbox is stuck) marks the
# container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('WEB_PORT', '8080'), timeout=4)"]

# With no messenger token `run` opens the terminal chat, which reads standard input and ends with
# it: set TELEGRAM_BOT_TOKEN and/or VIBER_AUTH_TOKEN for a service.
CMD ["pryimalnia", "run"]
