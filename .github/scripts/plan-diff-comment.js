// Posts the offline plan diff (npm run plan -- --diff ... --markdown) on a pull request as ONE
// comment: the bot's comment that starts with the marker is edited, otherwise one is created.
// Used by pull-request.yml (pull requests from this repository: its token may write) and by
// plan-diff-comment.yml (pull requests from forks, whose pull_request token is read-only).
// The body is data, never run: for a fork it was produced by the fork's code.
const MARKER = "<!-- throat-plan-diff";
// GitHub refuses comment bodies over 65536 characters.
const MAX_BODY = 65000;

function commentBody(markdown) {
  let body = markdown.startsWith(MARKER) ? markdown : `${MARKER} -->\n${markdown}`;
  if (body.length > MAX_BODY)
    body = `${body.slice(0, MAX_BODY)}\n\n… (cut to fit a comment: the whole diff is in the workflow run's summary)`;
  return body;
}

/** `github`: an Octokit (actions/github-script's). Returns what it did: "created" or "updated". */
async function postPlanDiff({ github, owner, repo, issueNumber, markdown }) {
  const body = commentBody(markdown);
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const previous = comments.find(
    (c) => c.user && c.user.type === "Bot" && typeof c.body === "string" && c.body.startsWith(MARKER),
  );
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
    return "updated";
  }
  await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return "created";
}

module.exports = { postPlanDiff, commentBody, MARKER, MAX_BODY };
