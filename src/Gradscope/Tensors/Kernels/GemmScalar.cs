using System.Numerics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// The scalar fallback for hardware without SIMD acceleration. It follows the vector kernels'
/// arithmetic exactly (same k blocking, one FMA per term in increasing p, same epilogue), so every
/// managed kernel family gives bitwise-identical results; the tests rely on that.
/// </summary>
internal static unsafe class GemmScalar
{
    public static void Compute<T>(ref GemmJob<T> job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int pc = 0; pc < job.K; pc += job.KC)
        {
            int kc = Math.Min(job.KC, job.K - pc);
            var epilogue = new GemmEpilogue<T>(job.Alpha, pc == 0 ? job.Beta : T.One, 1);
            for (int i = 0; i < job.M; i++)
            {
                T* cRow = job.C + i * job.Ldc;
                for (int j = 0; j < job.N; j++)
                {
                    T acc = T.Zero;
                    for (int p = pc; p < pc + kc; p++)
                    {
                        T aip = job.TransA ? job.A[p * job.Lda + i] : job.A[i * job.Lda + p];
                        T bpj = job.TransB ? job.B[j * job.Ldb + p] : job.B[p * job.Ldb + j];
                        acc = T.FusedMultiplyAdd(aip, bpj, acc);
                    }
                    epilogue.UpdateScalar(cRow + j, &acc, 1);
                }
            }
        }
    }
}
