# syntax=docker/dockerfile:1
# Multi-stage: a static, cgo-free binary on a distroless base, run as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o /out/erpd ./cmd/erpd

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/erpd /usr/local/bin/erpd
# Zone data for Asia/Shanghai comes with Go's embedded tzdata fallback.
ENV ERP_HTTP_ADDR=:8080 ERP_DATA_DIR=/data ERP_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/erpd", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/erpd"]
