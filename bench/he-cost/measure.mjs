// What a partner aggregate would cost under homomorphic encryption, against plain arithmetic.
// The case: a partner asks for the total spend of a segment of N users without seeing any user's spend.
// The shop encrypts each user's value under its own key, an untrusted party sums the ciphertexts, the shop
// decrypts the total. Measured with real libraries: Paillier (paillier-bigint, 2048-bit modulus; additive, exact
// integers) and CKKS (Microsoft SEAL through node-seal; approximate reals, 4096 values per ciphertext).
// Usage: npm install && node measure.mjs [users=100000] [paillierSample=500]
import { generateRandomKeys } from 'paillier-bigint';
import SEAL from 'node-seal';

const users = Number(process.argv[2] ?? 100_000);
const paillierSample = Number(process.argv[3] ?? 500);
const rng = (() => { let s = 20261207; return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648); })();
const spend = Float64Array.from({ length: users }, () => Math.round(rng() * 50_000) / 100); // 0..500.00
const ms = (f) => { const t = process.hrtime.bigint(); const r = f(); return [r, Number(process.hrtime.bigint() - t) / 1e6]; };
const out = { users, machine: `${process.platform} ${process.arch}, node ${process.version}` };

// Plain: the sum of the values, repeated for a stable time.
{
  const [total, t] = ms(() => { let sum = 0; for (let r = 0; r < 100; r++) { sum = 0; for (let i = 0; i < users; i++) sum += spend[i]; } return sum; });
  out.plain = { total: Math.round(total * 100) / 100, sumMs: t / 100 };
}

// Paillier, 2048-bit: per-value encryption, homomorphic addition, decryption of the total.
{
  const [keys, keyMs] = ms(() => null);
  const { publicKey, privateKey } = await generateRandomKeys(2048);
  const cents = Array.from({ length: paillierSample }, (_, i) => BigInt(Math.round(spend[i] * 100)));
  const [cts, encMs] = ms(() => cents.map(c => publicKey.encrypt(c)));
  const [sumCt, addMs] = ms(() => cts.reduce((a, c) => publicKey.addition(a, c)));
  const [total, decMs] = ms(() => privateKey.decrypt(sumCt));
  const expected = cents.reduce((a, c) => a + c, 0n);
  const perEnc = encMs / paillierSample, perAdd = addMs / (paillierSample - 1);
  out.paillier2048 = {
    sample: paillierSample, exact: total === expected,
    encryptMsPerValue: perEnc, addMsPerValue: perAdd, decryptMs: decMs,
    ciphertextBytes: Math.ceil(sumCt.toString(16).length / 2),
    projectedSecondsForAllUsers: (perEnc + perAdd) * users / 1000 + decMs / 1000,
  };
  void keys; void keyMs;
}

// CKKS (SEAL): 4096 values per ciphertext, ciphertexts added, the slots summed by rotations, the total decrypted.
{
  const seal = await SEAL();
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  const degree = 8192;
  parms.setPolyModulusDegree(degree);
  parms.setCoeffModulus(seal.CoeffModulus.Create(degree, Int32Array.from([60, 40, 40, 60])));
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  const keygen = seal.KeyGenerator(context);
  const publicKey = keygen.createPublicKey();
  const galois = keygen.createGaloisKeys();
  const encoder = seal.CKKSEncoder(context);
  const encryptor = seal.Encryptor(context, publicKey);
  const decryptor = seal.Decryptor(context, keygen.secretKey());
  const evaluator = seal.Evaluator(context);
  const slots = encoder.slotCount;
  const scale = Math.pow(2, 40);
  const chunks = Math.ceil(users / slots);
  const [cts, encMs] = ms(() => {
    const list = [];
    for (let c = 0; c < chunks; c++) {
      const values = new Float64Array(slots);
      values.set(spend.subarray(c * slots, Math.min(users, (c + 1) * slots)));
      list.push(encryptor.encrypt(encoder.encode(values, scale)));
    }
    return list;
  });
  const [sumCt, addMs] = ms(() => { const acc = cts[0].clone(); for (let c = 1; c < cts.length; c++) evaluator.add(acc, cts[c], acc); return acc; });
  const [, rotMs] = ms(() => { const tmp = seal.CipherText(); for (let step = 1; step < slots; step *= 2) { evaluator.rotateVector(sumCt, step, galois, tmp); evaluator.add(sumCt, tmp, sumCt); } });
  const [total, decMs] = ms(() => encoder.decode(decryptor.decrypt(sumCt))[0]);
  out.ckks8192 = {
    slotsPerCiphertext: slots, ciphertexts: chunks,
    encryptMs: encMs, addMs, slotSumMs: rotMs, decryptMs: decMs,
    totalMs: encMs + addMs + rotMs + decMs,
    ciphertextBytes: Number(sumCt.save().length * 3 / 4),
    total, absoluteError: Math.abs(total - out.plain.total),
  };
}

out.slowdownVsPlain = {
  paillier2048: out.paillier2048.projectedSecondsForAllUsers * 1000 / out.plain.sumMs,
  ckks8192: out.ckks8192.totalMs / out.plain.sumMs,
};
console.log(JSON.stringify(out, null, 2));
