import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeTimeoutMs, keepaliveSeconds, runtimeParams, startupTimeoutMs, viperUint32 } from '../../src/config/chaincodeConfig.js';
import { readPeerBuilderSetup } from '../../src/builder/peerConfig.js';

/** core/chaincode/config.go Config.load for the handler's settings: keepalive, executetimeout, runtimeParams. */

describe('the peer\'s chaincode settings (core.yaml, CORE_* variables)', () => {
  it('chaincode.keepalive is whole seconds; anything else is 0 (off)', () => {
    assert.equal(keepaliveSeconds({}), null);
    assert.equal(keepaliveSeconds({ 'chaincode.keepalive': '5' }), 5);
    assert.equal(keepaliveSeconds({ 'chaincode.keepalive': '30s' }), 0);
    assert.equal(keepaliveSeconds({ 'chaincode.keepalive': '-1' }), -1);
  });

  it('chaincode.executetimeout is a viper duration; under one second means the 30 s default', () => {
    assert.equal(executeTimeoutMs({}), null);
    assert.equal(executeTimeoutMs({ 'chaincode.executetimeout': '45s' }), 45_000);
    assert.equal(executeTimeoutMs({ 'chaincode.executetimeout': '500ms' }), 30_000);
    assert.equal(executeTimeoutMs({ 'chaincode.executetimeout': 'soon' }), 30_000);
  });

  it('runtimeParams: booleans false unless set, sizes of 0 or unset become 1000; null when none is set', () => {
    assert.equal(runtimeParams({}), null);
    assert.deepEqual(runtimeParams({ 'chaincode.runtimeParams.useWriteBatch': 'true' }), { useWriteBatch: true, maxSizeWriteBatch: 1000, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 1000 });
    assert.deepEqual(
      runtimeParams({ 'chaincode.runtimeParams.useWriteBatch': 'yes', 'chaincode.runtimeParams.maxSizeWriteBatch': '0', 'chaincode.runtimeParams.useGetMultipleKeys': 'T', 'chaincode.runtimeParams.maxSizeGetMultipleKeys': '50' }),
      { useWriteBatch: false, maxSizeWriteBatch: 1000, useGetMultipleKeys: true, maxSizeGetMultipleKeys: 50 },
    );
  });

  it('sizes read as viper.GetUint32 does (cast: trimZeroDecimal, then strconv.ParseInt base 0, uint32 wrap)', () => {
    const cases: Array<[string, number]> = [['1000', 1000], ['1000.0', 1000], ['1000.5', 0], ['0x10', 16], ['0o10', 8], ['010', 8], ['0b101', 5], ['1_000', 1000], ['1__0', 0], ['_1', 0], ['-5', 0], ['+7', 7], ['4294967297', 1], ['99999999999999999999', 0], ['', 0], ['ten', 0], ['0', 0]];
    for (const [text, want] of cases) assert.equal(viperUint32(text), want, text);
  });

  it('with a core.yaml read, runtimeParams are Fabric\'s defaults even when it sets none (booleans false)', () => {
    assert.deepEqual(runtimeParams({}, true), { useWriteBatch: false, maxSizeWriteBatch: 1000, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 1000 });
  });

  it('reads them from core.yaml (keys case-insensitive) and lets CORE_* variables override', () => {
    const yaml = 'chaincode:\n  keepalive: 7\n  executetimeout: 12s\n  runtimeParams:\n    useWriteBatch: false\n    maxSizeWriteBatch: 10\n  externalBuilders: []\nvm:\n  endpoint: unix:///var/run/docker.sock\n';
    const fromFile = readPeerBuilderSetup(yaml, {}).settings;
    assert.equal(keepaliveSeconds(fromFile), 7);
    assert.equal(executeTimeoutMs(fromFile), 12_000);
    assert.deepEqual(runtimeParams(fromFile), { useWriteBatch: false, maxSizeWriteBatch: 10, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 1000 });
    const overridden = readPeerBuilderSetup(yaml, { CORE_CHAINCODE_KEEPALIVE: '2', CORE_CHAINCODE_RUNTIMEPARAMS_USEWRITEBATCH: 'true' }).settings;
    assert.equal(keepaliveSeconds(overridden), 2);
    assert.equal(runtimeParams(overridden)?.useWriteBatch, true);
  });

  it('chaincode.startuptimeout is a viper duration with a 5 s floor, from core.yaml or CORE_CHAINCODE_STARTUPTIMEOUT', () => {
    assert.equal(startupTimeoutMs({}), null);
    assert.equal(startupTimeoutMs({ 'chaincode.startuptimeout': '300s' }), 300_000);
    assert.equal(startupTimeoutMs({ 'chaincode.startuptimeout': '1s' }), 5_000);
    assert.equal(startupTimeoutMs({ 'chaincode.startuptimeout': 'soon' }), 5_000);
    assert.equal(startupTimeoutMs({ 'chaincode.startuptimeout': '1m30s' }), 90_000);
    const yaml = 'chaincode:\n  startuptimeout: 20s\n  externalBuilders: []\n';
    assert.equal(startupTimeoutMs(readPeerBuilderSetup(yaml, {}).settings), 20_000);
    assert.equal(startupTimeoutMs(readPeerBuilderSetup(yaml, { CORE_CHAINCODE_STARTUPTIMEOUT: '45s' }).settings), 45_000);
    assert.equal(startupTimeoutMs(readPeerBuilderSetup(null, { CORE_CHAINCODE_STARTUPTIMEOUT: '10s' }).settings), 10_000);
  });
});
