import { describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH, setupLinkDead, setupProblems } from './setup';
import { errorText, translate } from './i18n';

describe('setupProblems', () => {
  it('asks for a password of at least 10 characters, typed twice', () => {
    expect(setupProblems('', '')).toEqual({ password: 'setup.passwordRequired' });
    expect(setupProblems('123456789', '123456789')).toEqual({ password: 'setup.passwordShort' });
    expect(setupProblems('1234567890', '1234567899')).toEqual({ repeat: 'setup.repeatMismatch' });
    expect(setupProblems('1234567890', '1234567890')).toEqual({});
    expect(MIN_PASSWORD_LENGTH).toBe(10);
  });

  it('counts characters, not UTF-16 units, like the server', () => {
    // Five emoji are ten UTF-16 units but five characters.
    expect(setupProblems('🔑🔑🔑🔑🔑', '🔑🔑🔑🔑🔑').password).toBe('setup.passwordShort');
    expect(setupProblems('åäöåäöåäöå', 'åäöåäöåäöå')).toEqual({});
  });

  it('names the rule in both languages', () => {
    expect(translate('sv', 'setup.passwordShort', { min: 10 })).toContain('10');
    expect(translate('en', 'setup.passwordShort', { min: 10 })).toContain('10');
  });
});

describe('setup errors', () => {
  it('has a text for every setup error code, in Swedish and English', () => {
    for (const code of ['setup_invalid', 'setup_expired', 'setup_done', 'setup_not_local', 'weak_password']) {
      const sv = errorText('sv', { code, message: 'server text' }, 'setup');
      const en = errorText('en', { code, message: 'server text' }, 'setup');
      expect(sv, code).not.toBe('server text');
      expect(en, code).not.toBe('server text');
      expect(sv, code).not.toBe(en);
    }
  });

  it('knows which errors leave the link unusable', () => {
    expect(setupLinkDead('setup_expired')).toBe(true);
    expect(setupLinkDead('setup_done')).toBe(true);
    expect(setupLinkDead('weak_password')).toBe(false);
    expect(setupLinkDead('network')).toBe(false);
  });
});
