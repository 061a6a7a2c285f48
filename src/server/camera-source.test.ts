import { describe, expect, it } from 'vitest';
import { parseCidr } from '../config/camera-networks.js';
import { serverSchema } from '../config/service.js';
import { CameraSourcePolicy } from './camera-source.js';
import { HttpError } from './errors.js';

const policy = new CameraSourcePolicy();
const refusal = async (source: string, p = policy): Promise<string> => {
  try {
    await p.check(source);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    expect([(e as HttpError).statusCode, (e as HttpError).code]).toEqual([400, 'source_not_allowed']);
    return (e as HttpError).message;
  }
  throw new Error(`"${source}" was accepted`);
};

describe('camera sources set through the API', () => {
  it.each([
    'rtsp://10.20.0.5/Streaming/Channels/101',
    'rtsps://admin:p%40ss@192.168.1.20:322/live?channel=1',
    'RTSP://172.16.4.4:554/cam',
    'http://10.0.0.9/mjpg/video.mjpg',
    'https://[fd12:3456::7]:8443/live.m3u8',
    'rtsp://10.0.0.1/path/with@sign', // an "@" after the host is part of the path for Node and ffmpeg alike
  ])('accepts %s (private network)', async (source) => {
    await expect(policy.check(source)).resolves.toBeUndefined();
  });

  it.each([
    ['/etc/passwd', /only in the config file/],
    ['/data/argus.db', /only in the config file/],
    ['relative/clip.mp4', /only in the config file/],
    ['C:\\Windows\\win.ini', /only in the config file/],
    ['file:///etc/passwd', /scheme "file:" is not allowed.*config file/],
    ['concat:/etc/passwd|/data/argus.db', /scheme "concat:" is not allowed/],
    ['subfile:,,start,0,end,0,,:/etc/passwd', /scheme "subfile:" is not allowed/],
    ['rtmp://10.0.0.1/live', /scheme "rtmp:"/],
    ['srt://10.0.0.1:9000', /scheme "srt:"/],
    ['tcp://10.0.0.1:554', /scheme "tcp:"/],
    ['udp://10.0.0.1:1234', /scheme "udp:"/],
    ['ftp://10.0.0.1/x.mp4', /scheme "ftp:"/],
    ['data:video/mp4;base64,AAAA', /scheme "data:"/],
    ['gopher://10.0.0.1:70/_GET', /scheme "gopher:"/],
    ['http://169.254.169.254/latest/meta-data/', /link-local, metadata/],
    ['http://169.254.170.2/v2/credentials', /link-local, metadata/],
    ['http://[fe80::1]/', /link-local, metadata/],
    ['rtsp://[::ffff:169.254.169.254]/', /link-local, metadata/],
    ['http://[fd00:ec2::254]/latest/meta-data/', /link-local, metadata/],
    ['http://100.100.100.200/latest/meta-data/', /link-local, metadata/],
    ['http://2852039166/latest/meta-data/', /"2852039166" \(169\.254\.169\.254\) is a link-local/],
    ['http://0xa9fea9fe/', /\(169\.254\.169\.254\) is a link-local/],
    ['http://0251.0376.0251.0376/', /\(169\.254\.169\.254\) is a link-local/],
    ['rtsp://0.0.0.0:554/', /link-local, metadata, multicast or unspecified/],
    ['rtsp://224.0.0.1/', /multicast/],
    ['http://127.0.0.1:8080/api/health', /outside the camera networks/],
    ['rtsp://localhost/cam', /"localhost" \(127\.0\.0\.1\) is outside the camera networks/],
    ['http://8.8.8.8/x', /outside the camera networks/],
    ['http://metadata.google.internal/computeMetadata/v1/', /does not resolve/],
    ['rtsp://10.0.0.1\\@169.254.169.254/', /not a plain camera URL/],
    ['http://10.0.0.1@169.254.169.254/', /link-local/],
    ['rtsp://a@10.0.0.1@169.254.169.254/', /not a plain camera URL/],
    ['http://%31%36%39.254.169.254/', /not a plain camera URL/],
    ['http://[fe80::1%25eth0]/', /not a plain camera URL/],
    ['rtsp://10.0.0.1:99999/', /port 99999 is out of range/],
    ['rtsp://10.0.0.1:0/', /port 0 is out of range/],
    ['http://10.0.0.1 /x', /spaces and control characters/],
    ['http://10.0.0.1/\r\nHost: 169.254.169.254', /spaces and control characters/],
    ['rtsp://..//x', /not a host name/],
    ['rtsp://[1.2.3.4]/', /not an IPv6 address/],
  ])('refuses %s', async (source, why) => {
    expect(await refusal(source)).toMatch(why);
  });

  it('never echoes the credentials of a refused source', async () => {
    const msg = await refusal('rtsp://admin:hunter2@8.8.8.8/cam');
    expect(msg).not.toContain('hunter2');
  });

  it('takes its networks from the config, and still refuses link-local whatever the config says', async () => {
    const loopback = new CameraSourcePolicy({ networks: ['127.0.0.1/32', '169.254.0.0/16', '0.0.0.0/0'] });
    await expect(loopback.check('rtsp://127.0.0.1:8554/cam')).resolves.toBeUndefined();
    await expect(loopback.check('http://8.8.8.8/x')).resolves.toBeUndefined();
    expect(await refusal('http://169.254.169.254/', loopback)).toMatch(/link-local/);
    expect(await refusal('rtsp://0.0.0.0/', loopback)).toMatch(/unspecified/);
    expect(await refusal('rtsp://10.0.0.1/', new CameraSourcePolicy({ networks: ['192.168.5.0/24'] }))).toMatch(/outside the camera networks \(server.cameraNetworks: 192.168.5.0\/24\)/);
  });

  it('checks a stored source without resolving names: files and address literals outside the networks are refused', () => {
    expect(() => policy.checkStored('/data/clip.mp4')).toThrow(/only in the config file/);
    expect(() => policy.checkStored('http://169.254.169.254/')).toThrow(/link-local/);
    expect(() => policy.checkStored('rtsp://camera-7.example/x')).not.toThrow();
    expect(() => policy.checkStored('rtsp://10.0.0.7/x')).not.toThrow();
  });
});

describe('server.cameraNetworks in the config', () => {
  it('defaults to the private networks and refuses what is not a network', () => {
    expect(serverSchema.parse({}).cameraNetworks).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']);
    const bad = serverSchema.safeParse({ cameraNetworks: ['10.0.0.0/33', 'cameras.local', '10.0.0.0/8/1', '::1/129', '10.0.0.1/'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['cameraNetworks.0', 'cameraNetworks.1', 'cameraNetworks.2', 'cameraNetworks.3', 'cameraNetworks.4']);
  });

  it.each([
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['192.168.1.20', { address: '192.168.1.20', prefix: 32, family: 'ipv4' }],
    ['fc00::/7', { address: 'fc00::', prefix: 7, family: 'ipv6' }],
    ['::1', { address: '::1', prefix: 128, family: 'ipv6' }],
  ])('reads %s', (text, want) => {
    expect(parseCidr(text)).toEqual(want);
  });
});
