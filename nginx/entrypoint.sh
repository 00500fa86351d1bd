#!/bin/sh
# Writes the plan's rendered files when they come as environment variables (ECS has no file
# mounts), checks the whole configuration, then runs nginx in the foreground.
set -eu
[ -n "${NGINX_MAIN_CONF:-}" ] && printf '%s' "$NGINX_MAIN_CONF" > /etc/nginx/throat/main.conf
[ -n "${NGINX_EVENTS_CONF:-}" ] && printf '%s' "$NGINX_EVENTS_CONF" > /etc/nginx/throat/events.conf
[ -n "${NGINX_HTTP_CONF:-}" ] && printf '%s' "$NGINX_HTTP_CONF" > /etc/nginx/throat/http.conf
nginx -t -q
exec "$@"
