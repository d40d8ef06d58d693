// What `init <client> --remote` tells the user: where the token now lives, and why the local guard
// rail stays.
import { tildePath, type InitContext } from "../init-plan.js";

export function remoteNotes(context: InitContext, serverFile: string): string[] {
  if (!context.remote) return [];
  return [
    `The server is the guard's HTTP service at ${context.remote.url}; this agent's token is in ${tildePath(serverFile, context.home)} (keep that file 0600). It can only ask the guard to send to its own aliases; revoke it there with \`openclaw-guard token revoke\`.`,
    "The local hook and rules stay: they keep the agent off the raw openclaw CLI and point it at the same send_message tool, now served remotely.",
  ];
}
