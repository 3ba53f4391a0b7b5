FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY projections projections
COPY eventstore eventstore
COPY migrations migrations
COPY certflow certflow
COPY api api
COPY identity identity
COPY documents documents
COPY health health
COPY notifications notifications
COPY worker.py ./
RUN pip install --no-cache-dir .
RUN useradd --create-home certflow
USER certflow
ENV CERTFLOW_LOG_FORMAT=json
CMD ["certflow", "worker"]
