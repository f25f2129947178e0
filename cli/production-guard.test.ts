import { describe, expect, it } from 'vitest';
import { looksLikeProduction } from './production-guard.js';

describe('looksLikeProduction', () => {
  it('lets loopback, private and staging-named hosts through', () => {
    for (const url of [
      'http://127.0.0.1:3000',
      'http://localhost:8080',
      'https://staging.ghostpass.app',
      'https://ghostpass-staging.vercel.app',
      'https://api.dev.example.com',
      'http://192.168.1.20',
    ]) {
      expect(looksLikeProduction(url), url).toBe(false);
    }
  });
  it('stops what looks like production', () => {
    for (const url of [
      'https://ghostpass.app',
      'https://api.ghostpass.io',
      'https://prod.example.com',
    ]) {
      expect(looksLikeProduction(url), url).toBe(true);
    }
  });
});
