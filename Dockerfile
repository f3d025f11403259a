# syntax=docker/dockerfile:1
# Summit Watch: the bot in a slim Python image, running as an unprivileged user.
#   docker build -t summit-watch .
#   docker run -e TELEGRAM_BOT_TOKEN -v summit-data:/data summit-watch
# The Telegram token is only ever passed at run time through the environment.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 summit \
    && useradd --system --uid 10001 --gid summit --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin summit

# Only what the package needs; README* matches nothing harmlessly if the file is absent.
COPY pyproject.toml README* /src/
COPY bot /src/bot
# A normal (non-editable) install without the [test] extra; the source tree is not kept.
RUN pip install /src && rm -rf /src

WORKDIR /app
COPY feeds.yaml /app/feeds.yaml
RUN mkdir -p /data && chown summit:summit /data

ENV BOT_CONFIG=/app/feeds.yaml \
    BOT_DATABASE_URL=sqlite:////data/summit-watch.db
# SQLite database (default) lives here; mount a named volume so it survives upgrades.
VOLUME ["/data"]

USER summit

# Alive = the poll loop wrote its heartbeat to the database within the last few ticks.
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
