import { describe, expect, it } from 'vitest';
import { blasFromTorchConfig, classifyBlas, parseAlternative, refusal } from './blas.js';

// Trimmed from `torch.__config__.show()` of Debian's python3-torch 1.13 and of a pip wheel.
const DEBIAN = `PyTorch built with:
  - GCC 12.2
  - Intel(R) MKL-DNN v2.6.3 (Git Hash N/A)
  - LAPACK is enabled (usually provided by MKL)
  - CPU capability usage: AVX2
  - Build settings: BLAS_INFO=generic, BUILD_TYPE=RelWithDebInfo, CXX_COMPILER=/usr/bin/c++, LAPACK_INFO=generic, PERF_WITH_AVX=1, USE_MKLDNN=ON,
`;
const WHEEL = `PyTorch built with:
  - GCC 9.3
  - Intel(R) Math Kernel Library Version 2020.0.0 Product Build 20191122 for Intel(R) 64 architecture applications
  - Intel(R) MKL-DNN v2.6.3 (Git Hash 52b5f107dd9cf10910aaa19cb47f3abf9b349815)
  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, LAPACK_INFO=mkl, PERF_WITH_AVX=1,
`;

describe('blasFromTorchConfig', () => {
  it('extracts the BLAS settings, not MKL-DNN', () => {
    expect(blasFromTorchConfig(DEBIAN)).toBe('BLAS_INFO=generic, LAPACK_INFO=generic');
  });
  it('adds the library line a wheel prints', () => {
    expect(blasFromTorchConfig(WHEEL)).toBe('BLAS_INFO=mkl, LAPACK_INFO=mkl, Intel(R) Math Kernel Library Version 2020.0.0 Product Build 20191122 for Intel(R) 64 architecture applications');
  });
  it('says when there is none', () => {
    expect(blasFromTorchConfig('PyTorch built with:\n  - GCC 12.2\n')).toMatch(/no BLAS line/);
  });
});

describe('classifyBlas', () => {
  it('tells Debian\'s OpenBLAS alternative from the reference BLAS', () => {
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3')).toBe('openblas');
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3')).toBe('reference');
    expect(classifyBlas('/usr/lib64/libblas.so.3.11.0')).toBe('reference');
  });
  it('trusts OpenBLAS\'s own config string only for an unknown path, and knows MKL', () => {
    expect(classifyBlas('/opt/lib/libsgemm-vendor.so', 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64')).toBe('openblas');
    // OpenBLAS loaded, but sgemm_ served by netlib (alternative set by hand): the path wins.
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3', 'OpenBLAS 0.3.21 Haswell')).toBe('reference');
    expect(classifyBlas('/opt/intel/lib/libmkl_rt.so.2')).toBe('mkl');
    expect(classifyBlas('? (undefined symbol: sgemm_)')).toBe('unknown');
  });
});

describe('parseAlternative', () => {
  it('reads status and value of update-alternatives --query', () => {
    const q = 'Name: libblas.so.3-x86_64-linux-gnu\nLink: /usr/lib/x86_64-linux-gnu/libblas.so.3\nStatus: manual\nBest: /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\nValue: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3\n\nAlternative: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3\nPriority: 10\n';
    expect(parseAlternative(q)).toEqual({ status: 'manual', value: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3' });
    expect(parseAlternative('')).toEqual({ status: undefined, value: undefined });
  });
});

describe('refusal', () => {
  it('refuses the reference BLAS only, saying what to install', () => {
    expect(refusal({ kind: 'reference', library: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3' })).toMatch(/install libopenblas0-pthread/);
    expect(refusal({ kind: 'openblas', library: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3' })).toBeUndefined();
    expect(refusal({ kind: 'unknown', library: '?' })).toBeUndefined();
  });
});
