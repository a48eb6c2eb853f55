import { BUILTIN_DEFINITIONS } from "./builtin.js";
import { loadInstrument, type Instrument } from "./load.js";

/** A set of instruments by id; the built-ins plus whatever a user registers. */
export class Registry {
  private readonly byId = new Map<string, Instrument>();

  constructor(instruments: Iterable<Instrument> = []) {
    for (const i of instruments) this.register(i);
  }

  /** Adds or replaces (e.g. with an overlaid version) an instrument. */
  register(inst: Instrument): this {
    this.byId.set(inst.id, inst);
    return this;
  }

  list(): Instrument[] {
    return [...this.byId.values()];
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** @throws {RangeError} naming the known ids when `id` is not registered */
  get(id: string): Instrument {
    const inst = this.byId.get(id);
    if (!inst) throw new RangeError(`unknown instrument "${id}"; expected one of ${this.ids().join(", ")}`);
    return inst;
  }

  /** Finds the instrument whose item prefix starts a column name, e.g. "pss_7" → pss. */
  byColumn(column: string): Instrument | undefined {
    let best: Instrument | undefined;
    for (const inst of this.byId.values())
      if (column.startsWith(inst.def.itemPrefix) && (!best || inst.def.itemPrefix.length > best.def.itemPrefix.length)) best = inst;
    return best;
  }
}

let builtins: Instrument[] | undefined;

/** The built-in instruments, validated once on first use. */
export function builtinInstruments(): Instrument[] {
  builtins ??= BUILTIN_DEFINITIONS.map(([file, json]) => loadInstrument(json, { file: `instruments/${file}` }));
  return builtins;
}

/** A fresh registry holding the built-in instruments. */
export const defaultRegistry = (): Registry => new Registry(builtinInstruments());

export const listInstruments = (): Instrument[] => builtinInstruments();

/** @throws {RangeError} when `id` is not a built-in instrument */
export const getInstrument = (id: string): Instrument => defaultRegistry().get(id);
