// gunicorn access logs on every worker kind. The image builds gunicorn's command line itself
// (WORKER_TYPE, ...), so the flags travel in GUNICORN_CMD_ARGS, which gunicorn reads on every
// start and splits like a shell. `%(h)s` is the WSGI environ's REMOTE_ADDR read after the
// request: the app's ProxyFix (site.trusted_proxy_count) has replaced it in that same environ
// with the client's address, so the line shows the client, not the ALB or nginx.
// `%(M)s`: the request's duration in milliseconds.
export const ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"';

/** `--access-logfile -`: stdout, which the awslogs driver (prod) or `docker logs` (test) keeps. */
export const GUNICORN_CMD_ARGS = `--access-logfile - --access-logformat '${ACCESS_LOG_FORMAT}'`;
