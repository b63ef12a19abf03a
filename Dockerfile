FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fontconfig gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal ./portal
COPY applications ./applications
COPY review ./review
COPY indicators ./indicators
COPY consulting ./consulting
RUN pip install .
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only-not-secret-build-only-not-secret-0123456789 \
    DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && python manage.py compilemessages --ignore=.venv -v 0

RUN useradd --create-home portal && mkdir -p /app/var && chown -R portal /app/var
USER portal
EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "portal.wsgi", "-c", "gunicorn.conf.py"]
