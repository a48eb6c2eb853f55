/**
 * Every built-in definition, bundled with the library. Adding or changing an instrument: a JSON file in instruments/
 * and a line here, then `npm run gen` (docs and the validated form in builtin-validated.json; tests check both).
 */
import adbb from "../../instruments/adbb.json" with { type: "json" };
import asqSe2 from "../../instruments/asq-se-2.json" with { type: "json" };
import careIndex from "../../instruments/care-index.json" with { type: "json" };
import cors from "../../instruments/cors.json" with { type: "json" };
import csrs from "../../instruments/csrs.json" with { type: "json" };
import epds from "../../instruments/epds.json" with { type: "json" };
import mAdbb from "../../instruments/m-adbb.json" with { type: "json" };
import ors from "../../instruments/ors.json" with { type: "json" };
import prfq from "../../instruments/prfq.json" with { type: "json" };
import pss from "../../instruments/pss.json" with { type: "json" };
import rfq8 from "../../instruments/rfq-8.json" with { type: "json" };
import srs from "../../instruments/srs.json" with { type: "json" };
// coded interviews and observations (issue 15)
import aaiRf from "../../instruments/aai-rf.json" with { type: "json" };
import ems from "../../instruments/ems.json" with { type: "json" };
import nbo from "../../instruments/nbo.json" with { type: "json" };
import pdiRf from "../../instruments/pdi-rf.json" with { type: "json" };

export const BUILTIN_DEFINITIONS: ReadonlyArray<readonly [file: string, json: unknown]> = [
  ["asq-se-2.json", asqSe2],
  ["adbb.json", adbb],
  ["m-adbb.json", mAdbb],
  ["pss.json", pss],
  ["prfq.json", prfq],
  ["rfq-8.json", rfq8],
  ["epds.json", epds],
  ["ors.json", ors],
  ["srs.json", srs],
  ["cors.json", cors],
  ["csrs.json", csrs],
  ["care-index.json", careIndex],
  // coded interviews and observations (issue 15)
  ["pdi-rf.json", pdiRf],
  ["aai-rf.json", aaiRf],
  ["ems.json", ems],
  ["nbo.json", nbo],
];
