# stancewatch: one image for every service of docker-compose.yml (migrate, scheduler, web).
# Build stage installs the package; the final stage holds only the installed result.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md CHANGELOG.md ./
COPY alembic ./alembic
COPY stancewatch ./stancewatch
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
COPY --from=build /install /usr/local
# Never run as root: a fixed uid so mounted files can be made readable to it.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin stancewatch
USER stancewatch
WORKDIR /home/stancewatch
EXPOSE 8000
CMD ["stancewatch", "--help"]
