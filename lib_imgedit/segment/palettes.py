"""Colour palettes of the segmentation maps ControlNet's preprocessors draw, colour -> label name.

ADE20K-150 (`seg_ofade20k`, `seg_ufade20k`): the dataset's 150 classes in their standard colours (the
first synonym of each class name). Road and skyscraper share one colour in that palette, so the map
cannot tell them apart: the colour reads as `road`. COCO panoptic (`seg_ofcoco`): the 133 classes,
with the dataset's `-merged`/`-other`/`-stuff` suffixes dropped and its wall, floor, window, water and
sky variants joined into one label each. These are facts about the data sets, kept here so the names
come back without importing the preprocessors' code.
"""

from __future__ import annotations

ADE20K: dict[tuple[int, int, int], str] = {
    (120, 120, 120): "wall", (180, 120, 120): "building", (6, 230, 230): "sky", (80, 50, 50): "floor",
    (4, 200, 3): "tree", (120, 120, 80): "ceiling", (140, 140, 140): "road", (204, 5, 255): "bed",
    (230, 230, 230): "window", (4, 250, 7): "grass", (224, 5, 255): "cabinet", (235, 255, 7): "sidewalk",
    (150, 5, 61): "person", (120, 120, 70): "earth", (8, 255, 51): "door", (255, 6, 82): "table",
    (143, 255, 140): "mountain", (204, 255, 4): "plant", (255, 51, 7): "curtain", (204, 70, 3): "chair",
    (0, 102, 200): "car", (61, 230, 250): "water", (255, 6, 51): "painting", (11, 102, 255): "sofa",
    (255, 7, 71): "shelf", (255, 9, 224): "house", (9, 7, 230): "sea", (220, 220, 220): "mirror",
    (255, 9, 92): "rug", (112, 9, 255): "field", (8, 255, 214): "armchair", (7, 255, 224): "seat",
    (255, 184, 6): "fence", (10, 255, 71): "desk", (255, 41, 10): "rock", (7, 255, 255): "wardrobe",
    (224, 255, 8): "lamp", (102, 8, 255): "bathtub", (255, 61, 6): "railing", (255, 194, 7): "cushion",
    (255, 122, 8): "base", (0, 255, 20): "box", (255, 8, 41): "column", (255, 5, 153): "signboard",
    (6, 51, 255): "chest_of_drawers", (235, 12, 255): "counter", (160, 150, 20): "sand", (0, 163, 255): "sink",
    (250, 10, 15): "fireplace", (20, 255, 0): "refrigerator", (31, 255, 0): "grandstand", (255, 31, 0): "path",
    (255, 224, 0): "stairs", (153, 255, 0): "runway", (0, 0, 255): "case", (255, 71, 0): "pool_table",
    (0, 235, 255): "pillow", (0, 173, 255): "screen_door", (31, 0, 255): "stairway", (11, 200, 200): "river",
    (255, 82, 0): "bridge", (0, 255, 245): "bookcase", (0, 61, 255): "blind", (0, 255, 112): "coffee_table",
    (0, 255, 133): "toilet", (255, 0, 0): "flower", (255, 163, 0): "book", (255, 102, 0): "hill",
    (194, 255, 0): "bench", (0, 143, 255): "countertop", (51, 255, 0): "stove", (0, 82, 255): "palm",
    (0, 255, 41): "kitchen_island", (0, 255, 173): "computer", (10, 0, 255): "swivel_chair", (173, 255, 0): "boat",
    (0, 255, 153): "bar", (255, 92, 0): "arcade_machine", (255, 0, 255): "hovel", (255, 0, 245): "bus",
    (255, 0, 102): "towel", (255, 173, 0): "light", (255, 0, 20): "truck", (255, 184, 184): "tower",
    (0, 31, 255): "chandelier", (0, 255, 61): "awning", (0, 71, 255): "streetlight", (255, 0, 204): "booth",
    (0, 255, 194): "television", (0, 255, 82): "airplane", (0, 10, 255): "dirt_track", (0, 112, 255): "clothes",
    (51, 0, 255): "pole", (0, 194, 255): "land", (0, 122, 255): "bannister", (0, 255, 163): "escalator",
    (255, 153, 0): "ottoman", (0, 255, 10): "bottle", (255, 112, 0): "buffet", (143, 255, 0): "poster",
    (82, 0, 255): "stage", (163, 255, 0): "van", (255, 235, 0): "ship", (8, 184, 170): "fountain",
    (133, 0, 255): "conveyer_belt", (0, 255, 92): "canopy", (184, 0, 255): "washer", (255, 0, 31): "plaything",
    (0, 184, 255): "swimming_pool", (0, 214, 255): "stool", (255, 0, 112): "barrel", (92, 255, 0): "basket",
    (0, 224, 255): "waterfall", (112, 224, 255): "tent", (70, 184, 160): "bag", (163, 0, 255): "minibike",
    (153, 0, 255): "cradle", (71, 255, 0): "oven", (255, 0, 163): "ball", (255, 204, 0): "food",
    (255, 0, 143): "step", (0, 255, 235): "tank", (133, 255, 0): "trade_name", (255, 0, 235): "microwave",
    (245, 0, 255): "pot", (255, 0, 122): "animal", (255, 245, 0): "bicycle", (10, 190, 212): "lake",
    (214, 255, 0): "dishwasher", (0, 204, 255): "screen", (20, 0, 255): "blanket", (255, 255, 0): "sculpture",
    (0, 153, 255): "hood", (0, 41, 255): "sconce", (0, 255, 204): "vase", (41, 0, 255): "traffic_light",
    (41, 255, 0): "tray", (173, 0, 255): "trash_can", (0, 245, 255): "fan", (71, 0, 255): "pier",
    (122, 0, 255): "crt_screen", (0, 255, 184): "plate", (0, 92, 255): "monitor", (184, 255, 0): "bulletin_board",
    (0, 133, 255): "shower", (255, 214, 0): "radiator", (25, 194, 194): "glass", (102, 255, 0): "clock",
    (92, 0, 255): "flag",
}

COCO: dict[tuple[int, int, int], str] = {
    (220, 20, 60): "person", (119, 11, 32): "bicycle", (0, 0, 142): "car", (0, 0, 230): "motorcycle",
    (106, 0, 228): "airplane", (0, 60, 100): "bus", (0, 80, 100): "train", (0, 0, 70): "truck",
    (0, 0, 192): "boat", (250, 170, 30): "traffic_light", (100, 170, 30): "fire_hydrant",
    (220, 220, 0): "stop_sign", (175, 116, 175): "parking_meter", (250, 0, 30): "bench", (165, 42, 42): "bird",
    (255, 77, 255): "cat", (0, 226, 252): "dog", (182, 182, 255): "horse", (0, 82, 0): "sheep",
    (120, 166, 157): "cow", (110, 76, 0): "elephant", (174, 57, 255): "bear", (199, 100, 0): "zebra",
    (72, 0, 118): "giraffe", (255, 179, 240): "backpack", (0, 125, 92): "umbrella", (209, 0, 151): "handbag",
    (188, 208, 182): "tie", (0, 220, 176): "suitcase", (255, 99, 164): "frisbee", (92, 0, 73): "skis",
    (133, 129, 255): "snowboard", (78, 180, 255): "sports_ball", (0, 228, 0): "kite",
    (174, 255, 243): "baseball_bat", (45, 89, 255): "baseball_glove", (134, 134, 103): "skateboard",
    (145, 148, 174): "surfboard", (255, 208, 186): "tennis_racket", (197, 226, 255): "bottle",
    (171, 134, 1): "wine_glass", (109, 63, 54): "cup", (207, 138, 255): "fork", (151, 0, 95): "knife",
    (9, 80, 61): "spoon", (84, 105, 51): "bowl", (74, 65, 105): "banana", (166, 196, 102): "apple",
    (208, 195, 210): "sandwich", (255, 109, 65): "orange", (0, 143, 149): "broccoli", (179, 0, 194): "carrot",
    (209, 99, 106): "hot_dog", (5, 121, 0): "pizza", (227, 255, 205): "donut", (147, 186, 208): "cake",
    (153, 69, 1): "chair", (3, 95, 161): "sofa", (163, 255, 0): "potted_plant", (119, 0, 170): "bed",
    (0, 182, 199): "dining_table", (0, 165, 120): "toilet", (183, 130, 88): "television", (95, 32, 0): "laptop",
    (130, 114, 135): "mouse", (110, 129, 133): "remote", (166, 74, 118): "keyboard", (219, 142, 185): "cell_phone",
    (79, 210, 114): "microwave", (178, 90, 62): "oven", (65, 70, 15): "toaster", (127, 167, 115): "sink",
    (59, 105, 106): "refrigerator", (142, 108, 45): "book", (196, 172, 0): "clock", (95, 54, 80): "vase",
    (128, 76, 255): "scissors", (201, 57, 1): "teddy_bear", (246, 0, 122): "hair_drier",
    (191, 162, 208): "toothbrush", (255, 255, 128): "banner", (147, 211, 203): "blanket",
    (150, 100, 100): "bridge", (168, 171, 172): "cardboard", (146, 112, 198): "counter",
    (210, 170, 100): "curtain", (92, 136, 89): "door", (218, 88, 184): "floor", (241, 129, 0): "flower",
    (217, 17, 255): "fruit", (124, 74, 181): "gravel", (70, 70, 70): "house", (255, 228, 255): "light",
    (154, 208, 0): "mirror", (193, 0, 92): "net", (76, 91, 113): "pillow", (255, 180, 195): "platform",
    (106, 154, 176): "playing_field", (230, 150, 140): "railroad", (60, 143, 255): "river", (128, 64, 128): "road",
    (92, 82, 55): "roof", (254, 212, 124): "sand", (73, 77, 174): "sea", (255, 160, 98): "shelf",
    (255, 255, 255): "snow", (104, 84, 109): "stairs", (169, 164, 131): "tent", (225, 199, 255): "towel",
    (137, 54, 74): "wall", (135, 158, 223): "wall", (7, 246, 231): "wall", (107, 255, 200): "wall",
    (58, 41, 149): "water", (183, 121, 142): "window", (255, 73, 97): "window", (107, 142, 35): "tree",
    (190, 153, 153): "fence", (146, 139, 141): "ceiling", (70, 130, 180): "sky", (134, 199, 156): "cabinet",
    (209, 226, 140): "table", (96, 36, 108): "floor", (96, 96, 96): "pavement", (64, 170, 64): "mountain",
    (152, 251, 152): "grass", (208, 229, 228): "dirt", (206, 186, 171): "paper", (152, 161, 64): "food",
    (116, 112, 0): "building", (0, 114, 143): "rock", (102, 102, 156): "wall", (250, 141, 255): "rug",
}

PALETTES: dict[str, dict[tuple[int, int, int], str]] = {"ade20k": ADE20K, "coco": COCO}
