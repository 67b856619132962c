// The compiled JSON Schema of deploy configs. The schema file in deploy-configs/ is the contract (editors read it
// through the yaml-language-server comment); this module only compiles it. useDefaults fills documented defaults.
import { Ajv, type ErrorObject } from "ajv";
import schema from "../../../deploy-configs/berth-config.schema.json" with { type: "json" };

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
// Editors (VS Code, yaml-language-server) show patternErrorMessage instead of the raw regex; we do too.
ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });

const validate = ajv.compile(schema);

export const CONFIG_SCHEMA_ID: string = schema.$id;

/** Validates in place (filling defaults); returns ajv's errors, empty when valid. */
export function validateAgainstSchema(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
