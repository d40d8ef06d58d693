// `openclaw-guard doctor [--json] [--config PATH]`: every layer, from the config to the gateway, as
// ok / warn / fail lines with a one-line fix. Exit 0 unless a check fails. Never prints a token or a
// full number.
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { nodeVersionProblem } from "../version.js";
import { realDoctorIO } from "./doctor-io.js";
import { exitCodeOf, formatHuman } from "./doctor-report.js";
import { runDoctor } from "./doctor.js";

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("doctor", args, { json: { type: "boolean" }, "service-user": { type: "string" } });
  if (positionals.length > 0) throw new UsageError("usage: openclaw-guard doctor [--json] [--config PATH] [--service-user NAME]");
  const tooOld = nodeVersionProblem(process.versions.node, process.execPath);
  if (tooOld !== undefined) {
    process.stderr.write(`openclaw-guard doctor: ${tooOld}\n`);
    return 1;
  }
  const report = await runDoctor(realDoctorIO(process.env), {
    ...(values.config !== undefined ? { configFlag: values.config } : {}),
    // The separated deployment's owner: doctor then fails on anything of it this user can reach.
    ...(values["service-user"] !== undefined ? { serviceUser: values["service-user"] } : {}),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatHuman(report));
  return exitCodeOf(report);
}
