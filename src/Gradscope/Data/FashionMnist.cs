using System.Numerics;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// <c>fashion-mnist</c> (Xiao, Rasul and Vollgraf 2017): 28 × 28 grey-scale images of 10 clothing
/// classes, 60,000 for training and 10,000 for testing, read from the four IDX .gz files of
/// <c>dir</c> (default <see cref="DefaultDirectory"/>, where Debian's <see cref="DebianPackage"/>
/// installs them). Inputs are the flattened images (784 = rows·cols values) with pixels scaled to
/// [0, 1]; <c>standardize</c> then optionally applies the training subset's global (or
/// per-pixel) mean and std. Y is one-hot; Labels the class indices.
///
/// Options: <c>class_list</c> keeps those classes, relabelled 0..k−1 in the order given
/// (<c>classes: k</c> alone means classes 0..k−1); <c>train_samples</c> / <c>test_samples</c>
/// draw class-balanced seeded subsets (per-class counts differ by at most one; images chosen
/// uniformly within each class; the subset is returned in seeded random order). Without them all
/// images of the chosen classes are used, in file order. The test split is the t10k set unless
/// <c>test_fraction</c> holds out part of the training subset instead.
/// </summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const string DebianPackage = "dataset-fashion-mnist";

    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private const int AllClasses = 10;

    internal static Dataset<T> Create<T>(OptionGuard g, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("dir", "train_samples", "test_samples", "classes", "class_list", "standardize");
        g.NotBoth("test_samples", o.TestSamples);
        int[] classList = ClassList(g);
        int? trainSamples = o.TrainSamples is null ? null : g.Positive(o.TrainSamples, "train_samples");
        int? testSamples = o.TestSamples is null ? null : g.Positive(o.TestSamples, "test_samples");
        string dir = o.Dir ?? DefaultDirectory;
        string[] paths = Locate(dir);

        var train = Load<T>(paths[0], paths[1], classList, trainSamples, "train_samples", key.Fold(DataKeys.Subset));
        DataSplit<T>? test = null;
        if (o.TestFraction is null)
        {
            test = Load<T>(paths[2], paths[3], classList, testSamples, "test_samples", key.Fold(DataKeys.TestSubset));
            if (test.X.Shape[1] != train.X.Shape[1])
            {
                throw new DataException($"{paths[2]}: images have {test.X.Shape[1]} pixels but the training images have {train.X.Shape[1]}");
            }
        }
        return new Dataset<T>("fashion-mnist", TaskKind.Classification, train, test, classList.Length);
    }

    /// <summary>The four files in <paramref name="dir"/> (a missing .gz may be present uncompressed); a clear error naming the directory and the Debian package when they are absent.</summary>
    private static string[] Locate(string dir)
    {
        var paths = new string[FileNames.Length];
        var missing = new List<string>();
        for (int i = 0; i < FileNames.Length; i++)
        {
            string gz = Path.Combine(dir, FileNames[i]);
            string plain = gz[..^3];
            paths[i] = File.Exists(gz) ? gz : File.Exists(plain) ? plain : gz;
            if (!File.Exists(paths[i]))
            {
                missing.Add(FileNames[i]);
            }
        }
        if (missing.Count > 0)
        {
            string where = Directory.Exists(dir) ? $"{dir} lacks {string.Join(", ", missing)}" : $"directory {dir} does not exist";
            throw new DataException(
                $"fashion-mnist: {where}. Install the Debian package {DebianPackage} (apt-get install {DebianPackage}), " +
                "or set data.dir to a directory holding the four IDX .gz files");
        }
        return paths;
    }

    private static int[] ClassList(OptionGuard g)
    {
        var o = g.Options;
        if (o.ClassList is int[] list)
        {
            if (list.Length == 0)
            {
                throw g.Bad("class_list", "must name at least one class");
            }
            foreach (int c in list)
            {
                if (c < 0 || c >= AllClasses)
                {
                    throw g.Bad("class_list", $"classes are 0..{AllClasses - 1}, got {c}");
                }
            }
            if (list.Distinct().Count() != list.Length)
            {
                throw g.Bad("class_list", $"names a class twice ([{string.Join(", ", list)}])");
            }
            if (o.Classes is int k && k != list.Length)
            {
                throw g.Bad("classes", $"is {k} but data.class_list names {list.Length} classes");
            }
            return list;
        }
        int count = g.PositiveOr(o.Classes, "classes", AllClasses);
        return count <= AllClasses ? Enumerable.Range(0, count).ToArray() : throw g.Bad("classes", $"fashion-mnist has {AllClasses} classes, got {count}");
    }

    /// <summary>One split: the images of the chosen classes (a balanced subset when <paramref name="samples"/> is set), labels remapped.</summary>
    private static DataSplit<T> Load<T>(string imagePath, string labelPath, int[] classList, int? samples, string samplesKey, RngKey key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IdxImages images = IdxFile.ReadImages(imagePath);
        byte[] labels = IdxFile.ReadLabels(labelPath);
        if (labels.Length != images.Count)
        {
            throw new DataException($"{labelPath}: {labels.Length} labels for the {images.Count} images of {imagePath}");
        }
        var remap = new int[256];
        Array.Fill(remap, -1);
        for (int j = 0; j < classList.Length; j++)
        {
            remap[classList[j]] = j;
        }
        var byClass = new List<int>[classList.Length];
        for (int j = 0; j < byClass.Length; j++)
        {
            byClass[j] = [];
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= AllClasses)
            {
                throw new DataException($"{labelPath}: label {labels[i]} of image {i} is outside 0..{AllClasses - 1}");
            }
            if (remap[labels[i]] >= 0)
            {
                byClass[remap[labels[i]]].Add(i);
            }
        }
        int[] rows = samples is int n ? BalancedSubset(byClass, classList, n, samplesKey, imagePath, key) : AllInFileOrder(byClass);

        int size = images.Size;
        var x = new T[(long)rows.Length * size];
        var y = new int[rows.Length];
        var scale = new T[256];
        for (int v = 0; v < 256; v++)
        {
            scale[v] = T.CreateTruncating(v / 255.0);
        }
        Parallel.For(0, rows.Length, i =>
        {
            ReadOnlySpan<byte> src = images.Pixels.AsSpan(rows[i] * size, size);
            Span<T> dst = x.AsSpan(i * size, size);
            for (int p = 0; p < size; p++)
            {
                dst[p] = scale[src[p]];
            }
            y[i] = remap[labels[rows[i]]];
        });
        return new DataSplit<T>(Tensor.Wrap(x, [rows.Length, size]), Tensor.OneHot<T>(y, classList.Length), y);
    }

    private static int[] AllInFileOrder(List<int>[] byClass)
    {
        int[] rows = byClass.SelectMany(c => c).ToArray();
        Array.Sort(rows);
        return rows;
    }

    /// <summary>n rows with per-class counts ⌊n/k⌋ or ⌈n/k⌉ (the first n mod k classes of the list get one more), uniform within each class, in seeded random order.</summary>
    private static int[] BalancedSubset(List<int>[] byClass, int[] classList, int n, string samplesKey, string imagePath, RngKey key)
    {
        int k = byClass.Length;
        var rows = new List<int>(n);
        for (int j = 0; j < k; j++)
        {
            int want = n / k + (j < n % k ? 1 : 0);
            if (want > byClass[j].Count)
            {
                throw new DataException(
                    $"data.{samplesKey}: {n} samples over {k} classes needs {want} of class {classList[j]}, but {imagePath} has {byClass[j].Count}");
            }
            int[] perm = Sampling.Permutation(key.Fold((ulong)j), byClass[j].Count);
            for (int t = 0; t < want; t++)
            {
                rows.Add(byClass[j][perm[t]]);
            }
        }
        int[] order = Sampling.Permutation(key.Fold((ulong)k + 1000), rows.Count);
        return Array.ConvertAll(order, i => rows[i]);
    }
}
