import { request } from './client';

export interface CardType {
  code: string;
  nameSv: string;
  nameEn: string;
  rfid: boolean;
  active: boolean;
}

export interface Industry {
  code: string;
  nameSv: string;
  nameEn: string;
  active: boolean;
}

export interface Catalog {
  cardTypes: CardType[];
  industries: Industry[];
}

export function getCatalog(): Promise<Catalog> {
  return request('GET', '/api/catalog');
}

export function saveCatalog(c: Catalog): Promise<Catalog> {
  return request('PUT', '/api/catalog', { body: c });
}
