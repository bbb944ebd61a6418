import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../../src/cli/args.js';
import { CHECK_OPTIONS } from '../../src/cli/flags.js';

/**
 * docs/kubernetes/job.yaml, the Job that judges a package next to its chaincode Service: every
 * document validates against the Kubernetes API schemas (kubernetes-models), and the Job runs the
 * image of docs/Dockerfile with arguments the CLI accepts, its package and reports on volumes.
 */

const ROOT = resolve(__dirname, '..', '..', '..');
const docs = parseAllDocuments(readFileSync(join(ROOT, 'docs', 'kubernetes', 'job.yaml'), 'utf8'));

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

describe('the Kubernetes Job manifest', () => {
  const objects = docs.map((d) => {
    assert.deepEqual(d.errors, [], 'YAML syntax');
    return d.toJS() as Manifest;
  });

  it('validates against the Kubernetes schemas', () => {
    assert.deepEqual(objects.map((o) => `${o.apiVersion} ${o.kind}`), ['v1 PersistentVolumeClaim', 'batch/v1 Job']);
    for (const o of objects) {
      const model = o.kind === 'Job' ? new Job(o as unknown as ConstructorParameters<typeof Job>[0]) : new PersistentVolumeClaim(o as unknown as ConstructorParameters<typeof PersistentVolumeClaim>[0]);
      assert.doesNotThrow(() => model.validate(), `${o.kind} ${o.metadata.name}`);
    }
    // The validator is schema-aware: a wrong field value is refused.
    const broken = structuredClone(objects[1]) as unknown as { spec: { template: { spec: { restartPolicy: string } } } };
    broken.spec.template.spec.restartPolicy = 'Sometimes';
    assert.throws(() => new Job(broken as unknown as ConstructorParameters<typeof Job>[0]).validate(), /restartPolicy/);
  });

  it('judges the package in the namespace of the Service, reports in a volume, a verdict never retried', () => {
    const job = new Job(objects[1] as unknown as ConstructorParameters<typeof Job>[0]);
    const pvc = objects[0] as Manifest;
    assert.equal(job.metadata?.namespace, pvc.metadata.namespace);
    assert.equal(job.spec?.backoffLimit, 0, 'exit 1 is a verdict: no retry');
    assert.ok((job.spec?.activeDeadlineSeconds ?? 0) > 0, 'the Job has a deadline');
    const pod = job.spec?.template.spec;
    assert.equal(pod?.restartPolicy, 'Never');
    const [c] = pod?.containers ?? [];
    assert.ok(c);
    const args = c.args ?? [];
    // The arguments are ones the CLI accepts, checked by its own parser.
    const parsed = parseArgs(args, CHECK_OPTIONS);
    assert.equal(parsed.positionals.length, 1);
    const mountOf = (path: string): string | undefined => c.volumeMounts?.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))?.name;
    const volume = (name: string | undefined) => pod?.volumes?.find((v) => v.name === name);
    // The package from a ConfigMap, the reports on the claim above, temporary files on an emptyDir.
    assert.ok(volume(mountOf(parsed.positionals[0] as string))?.configMap?.name);
    assert.equal(volume(mountOf(parsed.flags.get('report-dir') as string))?.persistentVolumeClaim?.claimName, pvc.metadata.name);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.ok(volume(mountOf('/tmp'))?.emptyDir, 'a writable /tmp for the work directory');
    // The image runs as the Dockerfile's user (node, uid 1000), who can write the reports volume.
    const dockerfile = readFileSync(join(ROOT, 'docs', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["node", "\/app\/dist\/src\/cli\/main\.js"\]$/m);
    assert.equal(pod?.securityContext?.runAsUser, 1000);
    assert.equal(pod?.securityContext?.fsGroup, 1000);
  });
});
