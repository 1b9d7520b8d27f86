# The app image: web (gunicorn), worker and beat all run it (docker-compose.yml).
FROM python:3.11-slim

# PYTHONPATH: the source in /app, not the copy pip installs, is what runs (BASE_DIR is /app).
# WEB_CONCURRENCY: gunicorn's worker count.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    WEB_CONCURRENCY=3

# WeasyPrint (PDF reports) needs Pango and HarfBuzz from the system; Liberation Sans stands in for Arial.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt . \
    && rm -rf build *.egg-info

# Static files are collected with the production storage (hashed names, compressed), so DEBUG is off here.
# The key exists only for this build step; the container gets its own SECRET_KEY from the env file.
# The file roots exist in the image, owned by the app user: a named volume mounted on one takes its owner.
RUN DEBUG=false ALLOWED_HOSTS=localhost \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/reports /app/var/evidence \
    && chown -R app:app /app/var

USER 10001:10001
EXPOSE 8000

# Worker heartbeat files in memory, not on the container's disk.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
