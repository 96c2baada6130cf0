using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Containers;

namespace BuildSign.Core.Pipeline.Containers;

/// <summary>Where a planned inner file came from, and whether it repeats content planned elsewhere.</summary>
/// <param name="Entry">The archive entry the file was extracted from.</param>
/// <param name="DuplicateOf">The file with the same content that is signed in its place, or null.</param>
internal sealed record InnerEntry(ZipEntry Entry, PlannedFile? DuplicateOf);
