import type { KubeObject } from '../../src/core/kube/objects.ts';

/**
 * Pod Security admission as the fake API server applies it to pod creates: the level a namespace
 * enforces (its `pod-security.kubernetes.io/enforce` label) and a subset of the Pod Security
 * Standards' checks, worded as kube-apiserver words them. Enough for a chart whose pods run as root
 * to be refused under `restricted`, or a privileged one under `baseline`; not every check of the
 * standards (no sysctls, AppArmor, SELinux, proc mount, host ports, volume types beyond hostPath).
 */

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}

interface Container {
  name: string;
  securityContext?: SecurityContext;
}

interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  containers?: Container[];
  initContainers?: Container[];
  volumes?: { name: string; hostPath?: unknown }[];
}

/** The capabilities `baseline` lets a container add (the defaults of container runtimes). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** `container "a"` or `containers "a", "b"`, as the admission's messages name them. */
const named = (noun: string, names: string[]): string =>
  `${noun}${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n}"`).join(', ')}`;

function baseline(spec: PodSpec, containers: Container[]): string[] {
  const found: string[] = [];
  const hosts = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  if (hosts.length) found.push(`host namespaces (${hosts.map((k) => `${k}=true`).join(', ')})`);
  const privileged = containers.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  if (privileged.length) {
    found.push(`privileged (${named('container', privileged)} must not set securityContext.privileged=true)`);
  }
  const extra = (c: Container) =>
    (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
  const adding = containers.filter((c) => extra(c).length).map((c) => c.name);
  if (adding.length) {
    const caps = [...new Set(containers.flatMap(extra))].map((c) => `"${c}"`).join(', ');
    found.push(
      `non-default capabilities (${named('container', adding)} must not include ${caps} in securityContext.capabilities.add)`,
    );
  }
  const hostPaths = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
  if (hostPaths.length) found.push(`hostPath volumes (${named('volume', hostPaths)})`);
  return found;
}

function restricted(spec: PodSpec, containers: Container[]): string[] {
  const found: string[] = [];
  const escalating = containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
  if (escalating.length) {
    found.push(
      `allowPrivilegeEscalation != false (${named('container', escalating)} must set securityContext.allowPrivilegeEscalation=false)`,
    );
  }
  const undropped = containers
    .filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'))
    .map((c) => c.name);
  if (undropped.length) {
    found.push(
      `unrestricted capabilities (${named('container', undropped)} must set securityContext.capabilities.drop=["ALL"])`,
    );
  }
  const podNonRoot = spec.securityContext?.runAsNonRoot === true;
  const root = containers
    .filter((c) => (c.securityContext?.runAsNonRoot ?? (podNonRoot ? true : undefined)) !== true)
    .map((c) => c.name);
  if (root.length) {
    found.push(`runAsNonRoot != true (pod or ${named('container', root)} must set securityContext.runAsNonRoot=true)`);
  }
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  const unconfined = containers
    .filter(
      (c) => !['RuntimeDefault', 'Localhost'].includes(c.securityContext?.seccompProfile?.type ?? podSeccomp ?? ''),
    )
    .map((c) => c.name);
  if (unconfined.length) {
    found.push(
      `seccompProfile (pod or ${named('container', unconfined)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
    );
  }
  return found;
}

/**
 * The API server's refusal of `pod` in a namespace with these labels, or undefined when the
 * namespace's enforced level admits it: `pods "x" is forbidden: violates PodSecurity "restricted:latest": …`.
 */
export function podSecurityRefusal(pod: KubeObject, namespaceLabels: Record<string, string>): string | undefined {
  const level = namespaceLabels['pod-security.kubernetes.io/enforce'];
  if (level !== 'baseline' && level !== 'restricted') return undefined;
  const version = namespaceLabels['pod-security.kubernetes.io/enforce-version'] ?? 'latest';
  const spec = (pod.spec ?? {}) as PodSpec;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const violations = [...baseline(spec, containers), ...(level === 'restricted' ? restricted(spec, containers) : [])];
  if (!violations.length) return undefined;
  return `pods "${pod.metadata.name}" is forbidden: violates PodSecurity "${level}:${version}": ${violations.join(', ')}`;
}
