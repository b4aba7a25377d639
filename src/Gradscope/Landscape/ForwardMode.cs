namespace Gradscope.Landscape;

/// <summary>How a landscape point's loss is evaluated.</summary>
public enum ForwardMode
{
    /// <summary>
    /// Factor the first layer when the model is an <see cref="Nn.Mlp"/>: a point θ = Σ_k c_k v_k of a
    /// slice (θ + αδ + βη, or (1−α)θ₀ + αθ₁) has first-layer pre-activations X·W₀(θ)ᵀ = Σ_k c_k (X·W₀(v_k)ᵀ),
    /// so the products X·W₀(v_k)ᵀ are computed once per slice and each point costs O(n·h₁) there
    /// instead of a GEMM of O(n·d·h₁) — for 784-200-10 on 1,000 samples almost all of the work. The
    /// rest of the network is evaluated as <see cref="Nn.Mlp.Forward{T}(IReadOnlyList{Tensors.Tensor{T}}, Tensors.Tensor{T})"/>
    /// does, on blocks of rows so a thread's working set stays in cache. Values agree with
    /// <see cref="Direct"/> to rounding (the sum is associated differently: ~1e-15 relative in float64);
    /// a point with coefficients (1, 0, 0) — the centre — gives exactly L(θ), and α = 0, 1 of an
    /// interpolation exactly L(θ₀), L(θ₁). The cost is one product per basis vector and split (for a
    /// 2-D grid, 3·n·h₁ values kept while the grid runs). Other models: as Direct.
    /// </summary>
    Auto,

    /// <summary>Build θ = Σ_k c_k v_k into per-thread buffers and run the model's own forward pass.</summary>
    Direct,
}
