import { resolve } from "node:path";
import { defineCommand, UsageError } from "../command.js";
import { NEW_KEY_BYTES, writeNewKey } from "../../io/key-file.js";

export const key = defineCommand({
  name: "key",
  summary: "Make a pseudonymisation key: trivsel key new <file>",
  usage: "trivsel key new <file>",
  options: {},
  details: `Writes ${NEW_KEY_BYTES} random bytes to a new file that only you can read (mode 600); an existing file is never
replaced. Keep the key apart from the data and never send it with an export: with it, pseudonyms can be
linked back to ids. Use the same key for every export that must link.`,
  async run({ positionals, io }) {
    const [verb, file, ...rest] = positionals;
    if (verb !== "new") throw new UsageError(`expected \`trivsel key new <file>\`; received ${JSON.stringify(verb ?? "")}`);
    if (!file || rest.length > 0) throw new UsageError("give one file name for the new key");
    writeNewKey(resolve(io.cwd, file), file);
    return `wrote a new ${NEW_KEY_BYTES}-byte random key to ${file} (readable only by you); keep it apart from the data and never send it with an export\n`;
  },
});
