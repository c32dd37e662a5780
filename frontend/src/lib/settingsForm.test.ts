import { describe, expect, it } from 'vitest';
import { backupFieldShown, changedValues, nexusFieldShown, pinProblem, sectionOf, splitFieldErrors, syncFieldShown } from './settingsForm';
import type { SettingDef } from '../api/settings';

const defs: SettingDef[] = [
  { key: 'company.name', kind: 'text', help: '' },
  { key: 'invite.validity_days', kind: 'int', default: '30', help: '' },
  { key: 'smtp.host', kind: 'text', help: '' },
  { key: 'smtp.password', kind: 'secret', help: '' },
];

describe('changedValues', () => {
  const original = { 'company.name': 'Bygg AB', 'invite.validity_days': '30', 'smtp.host': '', 'smtp.password': '(set)' };

  it('sends only keys whose value changed', () => {
    expect(changedValues(defs, original, { ...original })).toEqual({});
    expect(changedValues(defs, original, { ...original, 'company.name': 'Bygg & Co AB' })).toEqual({
      'company.name': 'Bygg & Co AB',
    });
    expect(changedValues(defs, original, { ...original, 'invite.validity_days': '' })).toEqual({
      'invite.validity_days': '',
    });
  });

  it('never sends the "(set)" placeholder; sends a typed secret or "" to remove it', () => {
    expect(changedValues(defs, original, original, { 'smtp.password': { typed: '', remove: false } })).toEqual({});
    expect(changedValues(defs, original, original, { 'smtp.password': { typed: 'hunter2', remove: false } })).toEqual({
      'smtp.password': 'hunter2',
    });
    expect(changedValues(defs, original, original, { 'smtp.password': { typed: '', remove: true } })).toEqual({
      'smtp.password': '',
    });
  });

  it('can be limited to the keys of one section', () => {
    const current = { ...original, 'company.name': 'X', 'smtp.host': 'mail.x.se' };
    expect(changedValues(defs, original, current, {}, ['smtp.host', 'smtp.password'])).toEqual({ 'smtp.host': 'mail.x.se' });
  });
});

describe('sections and errors', () => {
  it('puts smtp.* under Email and the rest under Company', () => {
    expect(sectionOf('smtp.port')).toBe('email');
    expect(sectionOf('company.name')).toBe('company');
    expect(sectionOf('public_url')).toBe('company');
    expect(sectionOf('kiosk.idle_seconds')).toBe('kiosk');
    expect(sectionOf('camera.device')).toBe('kiosk');
    expect(sectionOf('camera.resolution')).toBe('kiosk');
    expect(sectionOf('bankid.environment')).toBe('bankid');
    expect(sectionOf('bankid.passphrase')).toBe('bankid');
    expect(sectionOf('bankid.url')).toBe('bankid');
  });
  it('checks a kiosk PIN: 4–12 digits, the same twice', () => {
    expect(pinProblem('1234', '1234')).toBeNull();
    expect(pinProblem('123456789012', '123456789012')).toBeNull();
    expect(pinProblem('123', '123')).toBe('format');
    expect(pinProblem('1234567890123', '1234567890123')).toBe('format');
    expect(pinProblem('12a4', '12a4')).toBe('format');
    expect(pinProblem(' 1234', ' 1234')).toBe('format');
    expect(pinProblem('1234', '1235')).toBe('mismatch');
  });
  it('splits field errors into those shown at a field and the rest', () => {
    expect(splitFieldErrors({ 'company.name': 'too long', x: 'y' }, ['company.name'])).toEqual({
      known: { 'company.name': 'too long' },
      other: { x: 'y' },
    });
  });
});

describe('Settings → Nexus', () => {
  it('has the nexus.* keys in a tab of their own', () => {
    expect(sectionOf('nexus.channel')).toBe('nexus');
    expect(sectionOf('nexus.file_days')).toBe('nexus');
  });

  it('shows the mail fields only while batches are mailed', () => {
    for (const key of ['nexus.mail_to', 'nexus.mail_max_mb']) {
      expect(nexusFieldShown(key, { 'nexus.channel': 'folder' }), key).toBe(false);
      expect(nexusFieldShown(key, { 'nexus.channel': 'mail' }), key).toBe(true);
    }
    expect(nexusFieldShown('nexus.folder', { 'nexus.channel': 'mail' })).toBe(true);
    expect(nexusFieldShown('nexus.file_days', {})).toBe(true);
  });
});

describe('syncFieldShown', () => {
  it('shows the mailbox fields for imap and the receiver fields for receiver only', () => {
    for (const key of ['sync.imap.host', 'sync.imap.password', 'sync.imap.mailbox']) {
      expect(syncFieldShown(key, { 'sync.transport': 'imap' }), key).toBe(true);
      expect(syncFieldShown(key, { 'sync.transport': 'receiver' }), key).toBe(false);
      expect(syncFieldShown(key, { 'sync.transport': 'file' }), key).toBe(false);
      expect(syncFieldShown(key, {}), key).toBe(false);
    }
    for (const key of ['sync.receiver.listen', 'sync.receiver.host', 'sync.receiver.tls_cert']) {
      expect(syncFieldShown(key, { 'sync.transport': 'receiver' }), key).toBe(true);
      expect(syncFieldShown(key, { 'sync.transport': 'imap' }), key).toBe(false);
    }
    for (const key of ['sync.transport', 'sync.address', 'sync.poll_minutes', 'sync.silence_hours']) {
      expect(syncFieldShown(key, { 'sync.transport': 'file' }), key).toBe(true);
    }
  });
  it('puts the sync keys in their own section', () => {
    expect(sectionOf('sync.imap.host')).toBe('sync');
    expect(sectionOf('sync.transport')).toBe('sync');
  });
});

describe('Settings → Backup', () => {
  it('has its own section', () => {
    expect(sectionOf('backup.folder')).toBe('backup');
    expect(sectionOf('backup.passphrase')).toBe('backup');
  });
  it('shows the passphrase or the public key as the encryption says, the hour only daily', () => {
    const v = { 'backup.encryption': 'passphrase', 'backup.schedule': 'daily' };
    expect(backupFieldShown('backup.passphrase', v)).toBe(true);
    expect(backupFieldShown('backup.recipient', v)).toBe(false);
    expect(backupFieldShown('backup.hour', v)).toBe(true);
    const r = { 'backup.encryption': 'recipient', 'backup.schedule': 'hourly' };
    expect(backupFieldShown('backup.passphrase', r)).toBe(false);
    expect(backupFieldShown('backup.recipient', r)).toBe(true);
    expect(backupFieldShown('backup.hour', r)).toBe(false);
    expect(backupFieldShown('backup.folder', r)).toBe(true);
    expect(backupFieldShown('backup.passphrase', {})).toBe(true); // the default
  });
});
