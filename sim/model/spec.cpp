#include "sim/model/spec.hpp"

namespace sim::model {

const char* content_name(Content c) {
    switch (c) {
        case Content::Text:
            return "text";
        case Content::Image:
            return "image";
        case Content::Video:
            return "video";
        case Content::Voice:
            return "voice";
        case Content::File:
            return "file";
    }
    return "?";
}

}  // namespace sim::model
