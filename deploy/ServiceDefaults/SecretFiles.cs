namespace Custodian.Hosting;

/// <summary>Files that hold secrets: readable and writable by their owner only.</summary>
public static class SecretFiles
{
    /// <summary>Creates (or replaces) a file readable only by its owner.</summary>
    public static void WriteOwnerOnly(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Creates the file with <paramref name="create"/>'s content unless it exists; when two processes
    /// race, both see the content of the one that won.
    /// </summary>
    public static void CreateOnce(string path, Func<byte[]> create)
    {
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        WriteOwnerOnly(temp, create());
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
    }
}
