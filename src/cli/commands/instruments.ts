import { didYouMeanHint } from "../../text/did-you-mean.js";
import { describeInstrument, instrumentSummaries, instrumentTable } from "../../registry/describe.js";
import { defineCommand, UsageError } from "../command.js";
import { registryOptions } from "../options.js";

export const instruments = defineCommand({
  name: "instruments",
  summary: "List the instruments trivsel can score, or show one in full",
  usage: "trivsel instruments [--json]\n       trivsel instruments show <id> [--json]",
  options: { json: { type: "boolean", description: "print JSON (the validated definition, for show)" }, ...registryOptions },
  async run({ args, positionals, io, job }) {
    const reg = job.registry();
    if (positionals[0] === "show") {
      const id = positionals[1];
      if (!id) throw new UsageError("instruments show needs an instrument id");
      if (!reg.has(id)) throw new UsageError(`unknown instrument ${JSON.stringify(id)}; expected one of ${reg.ids().join(", ")}${didYouMeanHint(id, reg.ids())}`);
      const inst = reg.get(id);
      io.stdout(args.json ? JSON.stringify(inst.def, null, 2) + "\n" : describeInstrument(inst));
      return;
    }
    if (positionals.length > 0) throw new UsageError(`unknown argument ${JSON.stringify(positionals[0])}; did you mean \`instruments show ${positionals[0]}\`?`);
    io.stdout(args.json ? JSON.stringify(instrumentSummaries(reg.list()), null, 2) + "\n" : instrumentTable(reg.list()));
  },
});
