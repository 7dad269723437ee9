// Types for every operation in src/operations.graphql, from the schema the server exports.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/operations.graphql"],
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        // Decimals travel as strings, dates and times as ISO strings.
        scalars: { Decimal: "string", Date: "string", DateTime: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true },
        strictScalars: true,
      },
    },
  },
};

export default config;
