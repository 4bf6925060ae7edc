//! Element IDs of EBML and the Matroska/WebM elements mediarec writes or inspects, written
//! as their raw bytes (marker bits included), plus the little schema knowledge a reader
//! needs: each element's value type and level.

/// How an element's payload is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementKind {
    /// Contains other elements.
    Master,
    /// Big-endian unsigned integer, 0–8 bytes.
    Uint,
    /// Big-endian two's-complement integer, 0–8 bytes.
    Int,
    /// IEEE float, 0, 4 or 8 bytes.
    Float,
    /// ASCII or UTF-8 text, possibly NUL-padded.
    String,
    /// Opaque bytes (blocks, codec private data, `Void`).
    Binary,
}

macro_rules! elements {
    ($( $(#[$doc:meta])* $name:ident = $id:literal, $kind:ident, $level:expr, $spec:literal; )*) => {
        $( $(#[$doc])* pub const $name: u32 = $id; )*

        /// The value type of a known element, or `None` for IDs this table does not list.
        ///
        /// ```
        /// use mediarec_ebml::ids::{self, ElementKind};
        /// assert_eq!(ids::kind(ids::CLUSTER), Some(ElementKind::Master));
        /// assert_eq!(ids::kind(ids::DURATION), Some(ElementKind::Float));
        /// ```
        pub const fn kind(id: u32) -> Option<ElementKind> {
            match id {
                $( $id => Some(ElementKind::$kind), )*
                _ => None,
            }
        }

        /// The nesting level of a known element (EBML header and Segment are 0, the
        /// Segment's children 1, …), or `None` for global elements that may appear at any
        /// level (`Void`, `CRC-32`) and for IDs this table does not list.
        pub const fn level(id: u32) -> Option<u8> {
            match id {
                $( $id => $level, )*
                _ => None,
            }
        }

        /// The element's name in the Matroska specification (`"Cluster"`, `"SimpleBlock"`, …).
        pub const fn name(id: u32) -> Option<&'static str> {
            match id {
                $( $id => Some($spec), )*
                _ => None,
            }
        }
    };
}

elements! {
    /// `EBML`: the header that starts every EBML document.
    EBML = 0x1A45DFA3, Master, Some(0), "EBML";
    /// `EBMLVersion`.
    EBML_VERSION = 0x4286, Uint, Some(1), "EBMLVersion";
    /// `EBMLReadVersion`.
    EBML_READ_VERSION = 0x42F7, Uint, Some(1), "EBMLReadVersion";
    /// `EBMLMaxIDLength`.
    EBML_MAX_ID_LENGTH = 0x42F2, Uint, Some(1), "EBMLMaxIDLength";
    /// `EBMLMaxSizeLength`.
    EBML_MAX_SIZE_LENGTH = 0x42F3, Uint, Some(1), "EBMLMaxSizeLength";
    /// `DocType`: `"webm"` or `"matroska"`.
    DOC_TYPE = 0x4282, String, Some(1), "DocType";
    /// `DocTypeVersion`.
    DOC_TYPE_VERSION = 0x4287, Uint, Some(1), "DocTypeVersion";
    /// `DocTypeReadVersion`.
    DOC_TYPE_READ_VERSION = 0x4285, Uint, Some(1), "DocTypeReadVersion";
    /// `Void`: filler, ignored by readers; reserves room for later patches.
    VOID = 0xEC, Binary, None, "Void";
    /// `CRC-32`.
    CRC32 = 0xBF, Binary, None, "CRC-32";

    /// `Segment`: the root of a Matroska document.
    SEGMENT = 0x18538067, Master, Some(0), "Segment";
    /// `SeekHead`: index of the top-level elements.
    SEEK_HEAD = 0x114D9B74, Master, Some(1), "SeekHead";
    /// `Seek`: one entry of the `SeekHead`.
    SEEK = 0x4DBB, Master, Some(2), "Seek";
    /// `SeekID`: the ID of the element a `Seek` points to, as binary.
    SEEK_ID = 0x53AB, Binary, Some(3), "SeekID";
    /// `SeekPosition`: its offset from the start of the Segment's data.
    SEEK_POSITION = 0x53AC, Uint, Some(3), "SeekPosition";

    /// `Info`: segment information.
    INFO = 0x1549A966, Master, Some(1), "Info";
    /// `TimestampScale`: nanoseconds per timestamp tick.
    TIMESTAMP_SCALE = 0x2AD7B1, Uint, Some(2), "TimestampScale";
    /// `Duration`: in timestamp ticks, as a float.
    DURATION = 0x4489, Float, Some(2), "Duration";
    /// `MuxingApp`.
    MUXING_APP = 0x4D80, String, Some(2), "MuxingApp";
    /// `WritingApp`.
    WRITING_APP = 0x5741, String, Some(2), "WritingApp";
    /// `DateUTC`.
    DATE_UTC = 0x4461, Int, Some(2), "DateUTC";
    /// `SegmentUUID`.
    SEGMENT_UUID = 0x73A4, Binary, Some(2), "SegmentUUID";
    /// `Title`.
    TITLE = 0x7BA9, String, Some(2), "Title";

    /// `Tracks`.
    TRACKS = 0x1654AE6B, Master, Some(1), "Tracks";
    /// `TrackEntry`.
    TRACK_ENTRY = 0xAE, Master, Some(2), "TrackEntry";
    /// `TrackNumber`: the number blocks refer to.
    TRACK_NUMBER = 0xD7, Uint, Some(3), "TrackNumber";
    /// `TrackUID`.
    TRACK_UID = 0x73C5, Uint, Some(3), "TrackUID";
    /// `TrackType`: 1 video, 2 audio.
    TRACK_TYPE = 0x83, Uint, Some(3), "TrackType";
    /// `FlagEnabled`.
    FLAG_ENABLED = 0xB9, Uint, Some(3), "FlagEnabled";
    /// `FlagDefault`.
    FLAG_DEFAULT = 0x88, Uint, Some(3), "FlagDefault";
    /// `FlagForced`.
    FLAG_FORCED = 0x55AA, Uint, Some(3), "FlagForced";
    /// `FlagLacing`.
    FLAG_LACING = 0x9C, Uint, Some(3), "FlagLacing";
    /// `DefaultDuration`.
    DEFAULT_DURATION = 0x23E383, Uint, Some(3), "DefaultDuration";
    /// `Name`.
    NAME = 0x536E, String, Some(3), "Name";
    /// `Language`.
    LANGUAGE = 0x22B59C, String, Some(3), "Language";
    /// `CodecID`: `A_OPUS`, `V_VP8`, ….
    CODEC_ID = 0x86, String, Some(3), "CodecID";
    /// `CodecPrivate`.
    CODEC_PRIVATE = 0x63A2, Binary, Some(3), "CodecPrivate";
    /// `CodecName`.
    CODEC_NAME = 0x258688, String, Some(3), "CodecName";
    /// `CodecDelay`: nanoseconds the decoder adds at the start.
    CODEC_DELAY = 0x56AA, Uint, Some(3), "CodecDelay";
    /// `SeekPreRoll`: nanoseconds to decode before a seek target.
    SEEK_PRE_ROLL = 0x56BB, Uint, Some(3), "SeekPreRoll";
    /// `Video`.
    VIDEO = 0xE0, Master, Some(3), "Video";
    /// `PixelWidth`.
    PIXEL_WIDTH = 0xB0, Uint, Some(4), "PixelWidth";
    /// `PixelHeight`.
    PIXEL_HEIGHT = 0xBA, Uint, Some(4), "PixelHeight";
    /// `DisplayWidth`.
    DISPLAY_WIDTH = 0x54B0, Uint, Some(4), "DisplayWidth";
    /// `DisplayHeight`.
    DISPLAY_HEIGHT = 0x54BA, Uint, Some(4), "DisplayHeight";
    /// `Audio`.
    AUDIO = 0xE1, Master, Some(3), "Audio";
    /// `SamplingFrequency`: Hz, as a float.
    SAMPLING_FREQUENCY = 0xB5, Float, Some(4), "SamplingFrequency";
    /// `Channels`.
    CHANNELS = 0x9F, Uint, Some(4), "Channels";
    /// `BitDepth`.
    BIT_DEPTH = 0x6264, Uint, Some(4), "BitDepth";

    /// `Cluster`: a run of blocks sharing a base timestamp.
    CLUSTER = 0x1F43B675, Master, Some(1), "Cluster";
    /// `Timestamp` of a cluster (called `Timecode` in older documents).
    CLUSTER_TIMESTAMP = 0xE7, Uint, Some(2), "Timestamp";
    /// `Position`.
    POSITION = 0xA7, Uint, Some(2), "Position";
    /// `PrevSize`.
    PREV_SIZE = 0xAB, Uint, Some(2), "PrevSize";
    /// `SimpleBlock`: a frame with a 4-byte header (track, relative time, flags).
    SIMPLE_BLOCK = 0xA3, Binary, Some(2), "SimpleBlock";
    /// `BlockGroup`: a `Block` with extra elements such as `DiscardPadding`.
    BLOCK_GROUP = 0xA0, Master, Some(2), "BlockGroup";
    /// `Block`.
    BLOCK = 0xA1, Binary, Some(3), "Block";
    /// `BlockDuration`.
    BLOCK_DURATION = 0x9B, Uint, Some(3), "BlockDuration";
    /// `ReferenceBlock`.
    REFERENCE_BLOCK = 0xFB, Int, Some(3), "ReferenceBlock";
    /// `DiscardPadding`: nanoseconds of padding to drop at the end of the block.
    DISCARD_PADDING = 0x75A2, Int, Some(3), "DiscardPadding";

    /// `Cues`: the seek index.
    CUES = 0x1C53BB6B, Master, Some(1), "Cues";
    /// `CuePoint`.
    CUE_POINT = 0xBB, Master, Some(2), "CuePoint";
    /// `CueTime`.
    CUE_TIME = 0xB3, Uint, Some(3), "CueTime";
    /// `CueTrackPositions`.
    CUE_TRACK_POSITIONS = 0xB7, Master, Some(3), "CueTrackPositions";
    /// `CueTrack`.
    CUE_TRACK = 0xF7, Uint, Some(4), "CueTrack";
    /// `CueClusterPosition`: offset of the cluster from the start of the Segment's data.
    CUE_CLUSTER_POSITION = 0xF1, Uint, Some(4), "CueClusterPosition";
    /// `CueRelativePosition`.
    CUE_RELATIVE_POSITION = 0xF0, Uint, Some(4), "CueRelativePosition";

    /// `Chapters`.
    CHAPTERS = 0x1043A770, Master, Some(1), "Chapters";
    /// `Tags`.
    TAGS = 0x1254C367, Master, Some(1), "Tags";
    /// `Attachments`.
    ATTACHMENTS = 0x1941A469, Master, Some(1), "Attachments";
}

/// True when an element `next` met inside an unknown-size `parent` ends that parent.
///
/// An unknown-size element ends where an element appears that cannot be its descendant:
/// one at the same or a higher level (a new `Cluster` ends a `Cluster`), or a new EBML
/// header or Segment. For parents this table does not know, anything of level 0 or 1 ends
/// them. Global elements (`Void`, `CRC-32`) and unknown IDs never end a parent.
///
/// ```
/// use mediarec_ebml::ids;
/// assert!(ids::ends_unknown_size(ids::CLUSTER, ids::CLUSTER));
/// assert!(ids::ends_unknown_size(ids::CLUSTER, ids::CUES));
/// assert!(!ids::ends_unknown_size(ids::CLUSTER, ids::SIMPLE_BLOCK));
/// assert!(!ids::ends_unknown_size(ids::SEGMENT, ids::CLUSTER));
/// ```
pub const fn ends_unknown_size(parent: u32, next: u32) -> bool {
    let Some(next_level) = level(next) else {
        return false;
    };
    match level(parent) {
        Some(parent_level) => next_level <= parent_level,
        None => next_level <= 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_len;

    #[test]
    fn every_listed_id_is_a_valid_ebml_id() {
        for id in [
            EBML,
            DOC_TYPE,
            VOID,
            SEGMENT,
            SEEK_HEAD,
            SEEK_ID,
            INFO,
            TIMESTAMP_SCALE,
            DURATION,
            TRACKS,
            TRACK_ENTRY,
            CODEC_PRIVATE,
            CODEC_DELAY,
            SEEK_PRE_ROLL,
            AUDIO,
            VIDEO,
            CLUSTER,
            CLUSTER_TIMESTAMP,
            SIMPLE_BLOCK,
            BLOCK_GROUP,
            BLOCK,
            DISCARD_PADDING,
            CUES,
            CUE_POINT,
            CUE_TRACK_POSITIONS,
            CUE_CLUSTER_POSITION,
            TAGS,
            CHAPTERS,
            ATTACHMENTS,
        ] {
            assert!(id_len(id).is_some(), "{id:#x}");
            assert!(kind(id).is_some());
            assert!(name(id).is_some());
        }
    }

    #[test]
    fn unknown_size_ends_follow_levels() {
        assert!(ends_unknown_size(SEGMENT, SEGMENT));
        assert!(ends_unknown_size(SEGMENT, EBML));
        assert!(!ends_unknown_size(SEGMENT, INFO));
        assert!(ends_unknown_size(CLUSTER, INFO));
        assert!(!ends_unknown_size(CLUSTER, VOID));
        assert!(!ends_unknown_size(CLUSTER, 0x81));
        assert!(ends_unknown_size(BLOCK_GROUP, SIMPLE_BLOCK));
        assert!(ends_unknown_size(0x4101, TAGS));
        assert!(!ends_unknown_size(0x4101, SIMPLE_BLOCK));
    }
}
