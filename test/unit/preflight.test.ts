import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podTemplates } from '../../src/core/install/preflight.ts';

const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec: {containers: [{name: app, image: a}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      containers: [{name: db, image: d, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
    - metadata: {name: data}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec: {containers: [{name: job, image: j}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
`;

describe('pre-flight pod templates', () => {
  it('takes the pod template of every controller, and stands in an emptyDir for each claim of a StatefulSet', () => {
    const templates = podTemplates(manifest);
    assert.deepEqual(
      templates.map((t) => t.object),
      ['Deployment web', 'StatefulSet db', 'CronJob nightly'],
    );
    assert.deepEqual(templates[1]?.template.spec?.volumes, [{ name: 'data', emptyDir: {} }]);
  });
});
