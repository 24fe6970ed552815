import type { KubeObject } from '../kube/objects.ts';

/** Where a tenant can be reached: what KubePlus's appurl answered, for every way out. */
export interface TenantUrl {
  /** Null while the address is not assigned yet (a LoadBalancer without ingress). */
  url: string | null;
  type: 'Ingress' | 'LoadBalancer' | 'NodePort';
  /** kind/name of the object that makes the URL, e.g. ingress/web. */
  object: string;
  /** NodePort only: the port on every node, and the node whose address the URL uses. */
  nodePort?: number;
  node?: string;
}

interface ServicePort {
  name?: string;
  port: number;
  nodePort?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec?: { type?: string; clusterIP?: string; ports?: ServicePort[]; externalIPs?: string[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string;
    tls?: { hosts?: string[] }[];
    rules?: { host?: string; http?: { paths?: { path?: string }[] } }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** A node's addresses as the API server's node table shows them. */
export interface NodeAddresses {
  name: string;
  internalIP?: string;
  externalIP?: string;
}

/** A host in a TLS entry, which may be a wildcard for one label (`*.example.com`). */
function tlsCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === pattern.slice(1);
}

function scheme(port: ServicePort): 'http' | 'https' {
  const says = `${port.name ?? ''} ${port.appProtocol ?? ''}`.toLowerCase();
  return says.includes('https') || port.port === 443 || port.port === 8443 ? 'https' : 'http';
}

/** IPv6 addresses go in brackets inside a URL. */
function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function lbAddresses(object: Service | Ingress): string[] {
  return (object.status?.loadBalancer?.ingress ?? []).flatMap((entry) => {
    const address = entry.ip ?? entry.hostname;
    return address ? [address] : [];
  });
}

export function ingressUrls(ingress: Ingress): TenantUrl[] {
  const object = `ingress/${ingress.metadata.name}`;
  const tlsHosts = (ingress.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const addresses = lbAddresses(ingress);
  return (ingress.spec?.rules ?? []).flatMap((rule): TenantUrl[] => {
    const paths = (rule.http?.paths ?? []).map((p) => p.path ?? '/');
    const wanted = paths.length ? paths : ['/'];
    if (rule.host) {
      const https = tlsHosts.some((pattern) => tlsCovers(pattern, rule.host as string));
      return wanted.map((path) => ({
        url: `${https ? 'https' : 'http'}://${rule.host}${path}`,
        type: 'Ingress',
        object,
      }));
    }
    // A rule without a host answers on the controller's address, once there is one.
    if (!addresses.length) return [{ url: null, type: 'Ingress', object }];
    return addresses.flatMap((address) =>
      wanted.map((path): TenantUrl => ({ url: `http://${hostPart(address)}${path}`, type: 'Ingress', object })),
    );
  });
}

/**
 * LoadBalancer Services on their assigned addresses, NodePort Services on the addresses of
 * `nodes` (ExternalIP and InternalIP). Only TCP ports make URLs.
 */
export function serviceUrls(service: Service, nodes: readonly NodeAddresses[]): TenantUrl[] {
  const object = `service/${service.metadata.name}`;
  const ports = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (service.spec?.type === 'LoadBalancer') {
    const addresses = lbAddresses(service);
    if (!addresses.length) return [{ url: null, type: 'LoadBalancer', object }];
    return addresses.flatMap((address) =>
      ports.map((port) => ({
        url: `${scheme(port)}://${hostPart(address)}:${port.port}`,
        type: 'LoadBalancer' as const,
        object,
      })),
    );
  }
  if (service.spec?.type === 'NodePort') {
    return ports.flatMap((port): TenantUrl[] => {
      const base = { type: 'NodePort' as const, object, nodePort: port.nodePort };
      // Without node addresses (nodes not readable) the port is still worth knowing.
      if (!nodes.length || port.nodePort === undefined) return [{ url: null, ...base }];
      return nodes.flatMap((node) =>
        [node.externalIP, node.internalIP]
          .filter((address): address is string => Boolean(address))
          .map((address) => ({
            url: `${scheme(port)}://${hostPart(address)}:${port.nodePort}`,
            ...base,
            node: node.name,
          })),
      );
    });
  }
  return [];
}
