// The card types and industries invitations offer (GET/PUT /api/catalog).
import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type CardType = Schemas['CardType'];
export type Industry = Schemas['Industry'];
export type Catalog = Schemas['Catalog'];

export function getCatalog(): Promise<Catalog> {
  return request<Catalog>('GET', '/api/catalog');
}

export function saveCatalog(c: Catalog): Promise<Catalog> {
  return request<Catalog>('PUT', '/api/catalog', { body: c });
}
