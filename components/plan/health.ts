// What the load balancer asks a worker to learn whether it is alive. Throat has no health
// endpoint, and `/` renders the front page with database queries (docs/throat-contract.md, Health): a
// check through the database fails every target of every service at once when the database
// fails over or reboots (a new max_connections), and ECS replaces them all. Flask's own static
// route answers a file from the image without the database, so it tests what a health check
// should: this process accepts and serves a request.
/** A file in the Throat image, served by Flask's `/static/<path:filename>` route (route-list.txt). */
export const WORKER_HEALTH_PATH = "/static/img/1x1.gif";
