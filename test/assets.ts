import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in test/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared real assets: ARGUS_ASSETS, else ../shared/assets beside the checkout. */
export const ASSETS = process.env.ARGUS_ASSETS ?? resolve(REPO_ROOT, '../shared/assets');
export const MODELS = process.env.ARGUS_MODELS ?? join(ASSETS, 'models');
export const VIDEOS = join(ASSETS, 'videos');
export const IMAGES = join(ASSETS, 'images');
export const DATA = join(ASSETS, 'data');

export const asset = (...parts: string[]): string => join(ASSETS, ...parts);
export const video = (name: string): string => join(VIDEOS, name);
export const hasAssets = (): boolean => existsSync(ASSETS);
