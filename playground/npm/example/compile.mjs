// A tiny Node example: build a project held in memory, print the templates or the diagnostics.
//   node example/compile.mjs            (from the package folder, e.g. playground/dist-npm)
//   node example/compile.mjs prod
import { compile, params } from '../node.js'; // in your project: from 'cvl-wasm'

const files = {
  'main.cvl': `/// Which account to build for.
param env: "beta" | "gamma" | "prod" = "beta"

stack storage {
  resource Assets: AWS::S3::Bucket {
    BucketName: "demo-\${env}-assets",
    VersioningConfiguration: { Status: "Enabled" },
  } with {
    DeletionPolicy: if env == "prod" { "Retain" } else { "Delete" },
  }

  output bucket_arn = Assets.Arn
}
`,
};

console.log('params:', params(files).params.map((p) => `${p.name}: ${p.type}`).join(', '));
const env = process.argv[2] ?? 'gamma';
const result = compile(files, { env });
for (const d of result.diagnostics) {
  console.error(`${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}] ${d.message}`);
}
for (const stack of result.stacks) {
  console.log(`--- ${stack.name}.template.json (env=${env})`);
  process.stdout.write(stack.template);
}
process.exitCode = result.stacks.length > 0 ? 0 : 1;
